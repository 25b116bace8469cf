"""Who may use a live shop through the app: the allow-list and where an app without sign-in may serve.

The rules only; the entry file asks Streamlit who is signed in (`st.user`) and what address it
serves, then calls these. Live mode with `[auth]` shows nothing to a visitor who is not signed in
and allowed; live mode without `[auth]` serves this computer only (localhost), and a server bound to
any other address refuses to start. The sandbox needs no sign-in.

`python -m actions.access ADDRESS` is the start-up check `make run` does before it launches Streamlit:
exit 0 when that address may be served with these settings, else 2 and one sentence on stderr.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Iterable

from kb.wording import settings_errors as say
from kb.wording.settings_errors import NOT_LOCAL

__all__ = ["NOT_LOCAL", "is_allowed", "is_loopback", "parse_allowed_users", "serving_problem"]


def is_loopback(address: str | None) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1; False for an empty address (Streamlit then binds all)."""
    text = (address or "").strip().strip("[]").lower()
    if not text:
        return False
    if text == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def serving_problem(
    *, live: bool, auth_configured: bool, address: str | None, client_ip: str | None = None,
    forwarded_for: str | None = None,
) -> str | None:
    """Why this visit (or this server start) must be refused, or None.

    Without sign-in a live app may only be reached from this computer: the server must be bound to a
    loopback address and the visitor must come from it (Streamlit reports a loopback visitor as
    None), not through a proxy forwarding another machine's request.
    """
    if not live or auth_configured:
        return None
    if not is_loopback(address):
        return NOT_LOCAL
    if client_ip is not None and not is_loopback(client_ip):
        return NOT_LOCAL
    if forwarded_for and any(not is_loopback(hop) for hop in forwarded_for.split(",")):
        return NOT_LOCAL
    return None


def parse_allowed_users(value: object) -> tuple[str, ...]:
    """`allowed_users` as written (a list, or one comma-separated string) -> lower-case entries.

    An entry is an e-mail address (`ana@example.com`) or a whole domain (`@example.com`).
    """
    if value is None:
        return ()
    if isinstance(value, str):
        items: Iterable[object] = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        raise ValueError(say.ALLOWED_USERS_LIST)
    entries: list[str] = []
    for item in items:
        text = str(item).strip().lower()
        if not text:
            continue
        local, at, domain = text.rpartition("@")
        if not at or not domain or "." not in domain or " " in text or local.count("@"):
            raise ValueError(say.not_an_address(text))
        entries.append(text)
    return tuple(entries)


def is_allowed(email: object, allowed: Iterable[str], *, email_verified: object = None) -> bool:
    """True when a signed-in e-mail is on the allow-list (exactly, or by its whole domain).

    An empty allow-list allows no one; an e-mail the provider says is not verified is never allowed.
    """
    # Some providers send the claim as a string ("false"), which is truthy.
    if not isinstance(email, str) or email_verified is False or str(email_verified).strip().lower() == "false":
        return False
    text = email.strip().lower()
    local, at, domain = text.rpartition("@")
    if not local or not at or not domain:
        return False
    return any(entry == text or (entry.startswith("@") and entry[1:] == domain) for entry in allowed)


def main(argv: list[str] | None = None) -> int:
    """`python -m actions.access ADDRESS`: may the app start on ADDRESS with these settings?"""
    import os

    from actions.cli import cli_settings
    from actions.errors import ConfigError

    args = sys.argv[1:] if argv is None else argv
    address = args[0] if args else ""
    try:
        settings = cli_settings(os.environ)
    except ConfigError as exc:
        sys.stderr.write(f"cancel-assist: {exc}\n")
        return 2
    problem = serving_problem(live=settings.mode == "live", auth_configured=settings.auth_configured, address=address)
    if problem:
        sys.stderr.write(f"cancel-assist: {problem}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
