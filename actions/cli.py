"""`cancel-assist`: the assistant on the command line (the same look-up, decision and record as the pages).

Commands:
    cancel-assist status ORDER [--json]
    cancel-assist link ORDER [--ticket T] [--base-url URL]
    cancel-assist reply ORDER
    cancel-assist cancel ORDER --reason R --refund now|later [--refund-to original|store_credit]
                        [--restock] [--notify] [--staff-note S] [--ticket T] [--agent A] --yes
    cancel-assist db copy --from sqlite:PATH --to postgresql://...
    cancel-assist follow-ups [--json] [--closed]
    cancel-assist follow-ups --check [--all] [--json] [--agent A]
    cancel-assist supplier ORDER --order-id ID [--supplier aliexpress|cjdropshipping]
                        --status awaiting_payment|awaiting_shipment|cancel_requested|cancelled|shipped
                        [--ticket T] [--agent A]
    cancel-assist supplier ORDER --none [--ticket T] [--agent A]

Settings come from the environment and `.streamlit/secrets.toml` in the current folder (the
environment wins). Without Shopify credentials the CLI runs on the sandbox, kept in
`<data_dir>/sandbox.json` so successive commands see each other's effects; the activity log is
`<data_dir>/cancel-assist.sqlite3` for a live shop and `cancel-assist-sandbox.sqlite3` on the sandbox
(`CANCEL_ASSIST_DATA_DIR`, default `.data`), or the PostgreSQL database named by
`CANCEL_ASSIST_DATABASE_URL` (`[cancel_assist] database_url`), shared with the app servers. Every
record names its agent: `--agent` (an e-mail, say), else the OS user running the command.

Exit status: 0 success; 1 error (a remote or the activity log failed, or the result is unknown);
2 refused (the order's path does not allow it, it is already done, or the input is invalid).
Expected failures print one sentence on stderr, never a traceback.

`status --json` prints one object with these stable keys:
    mode           "sandbox" | "live"
    order          the order name, e.g. "#1001"
    path           the path id (kb.walkthrough.PathId), e.g. "cancellable"
    title, explanation, cites ("<guide>#<section>")
    steps          [{"id", "title", "status" (done|next|blocked|not_needed), "action" (or null),
                     "target" (or null), "supplier" (or null), "revert" (or null), "reason"}]
    shopify        {"id", "name", "cancelled", "cancelled_at", "financial_status", "fulfillment_status",
                    "total": {"amount", "currency"}, "received": {...} | null, "payment_gateways",
                    "refundable": {"amount", "currency"} (net payment: received minus refunded),
                    "refundable_presentment": {...} | null (the same in the customer's currency, when it differs),
                    "manual_payment" (cash on delivery, bank deposit...), "refund_default" ("now" | "later"),
                    "disputes": [{"id", "initiated_as", "status", "open"}],
                    "fulfillment_orders": [{"id", "status", "request_status", "supported_actions",
                                            "hold_reasons", "cancellation_requested_at"}]}
    suppliers      [{"supplier", "order_id", "status", "raw_status", "cancel_channel", "cancel_note",
                     "order_url", "read_error", "source" ("api"|"manual"), "checked_at" (ISO 8601 or null),
                     "checked_ticket"}]
    supplier_refs_source   "metafield" | "note_attribute" | "note" | "tag" | "entered" | "none"
    no_supplier_order      {"at", "ticket"} when someone confirmed no supplier order was placed, else null
    warnings       [str]
    read_at        ISO 8601 UTC
    history        [{"id", "at", "action", "outcome", "message", "ticket", "request_id", "agent"}], newest
                   first: this order's activity record (agent: who acted, or null for older records)
Amounts are strings (exact decimals). New keys may be added; these will not change meaning.

`follow-ups` lists every followed order (from the activity store, no shop scan), what is due first;
`--json` prints {"mode", "follow_ups": [FOLLOW_UP]} where FOLLOW_UP is
    {"order", "order_id", "ticket", "status" (waiting|ready|person|done), "waiting_for"
     (seller_approval|service_answer|manual_recheck|refund_owed|supplier_still_active|null),
     "waiting_words", "detail", "path", "since", "due_at", "checked_at", "closed_at", "due", "needs_person",
     "authorisation": {"id", "agent", "state" (active|withdrawn|expired|used), "expires_at", "options",
                       "used_by_run", "record_id"} | null}
`follow-ups --check` re-reads every due follow-up (`--all`: every open one), records what changed against
its ticket, sends an authorised Shopify cancel once the supplier has confirmed, and prints what it found;
a lock in the activity store makes concurrent runs (cron) never overlap. `--json` prints
{"mode", "run", "ran", "checked": [{"order", "order_id", "ticket", "before", "status", "waiting_for",
"message", "changed", "needs_person", "error", "cancelled", "authorised_by", "record_id", "reply"}],
"needs_person": [FOLLOW_UP]}.
Exit status of `follow-ups --check`: 0 nothing needs a person; 3 at least one order needs a person (listed);
1 an order could not be read or the activity log failed; 4 another check run holds the lock (nothing done).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import sys
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from pydantic import ValidationError

from actions.errors import ActionError, ConfigError, InputError, redact
from actions.settings import AppSettings, check_database_url, load_settings
from kb.hand_check import HandStatus
from kb.refunds import default_refund, refundable, refundable_presentment
from kb.state import CancelOptions, CancelReason, Money, RefundDestination, RefundTiming
from kb.suppliers import SUPPLIERS
from kb.walkthrough import ActionId
from kb.wording import cli as say

__all__ = ["EXIT_BUSY", "EXIT_ERROR", "EXIT_NEEDS_PERSON", "EXIT_OK", "EXIT_REFUSED", "lookup_json", "main"]

EXIT_OK, EXIT_ERROR, EXIT_REFUSED = 0, 1, 2
EXIT_NEEDS_PERSON, EXIT_BUSY = 3, 4  # follow-ups --check only
_DEFAULT_BASE_URL = "http://localhost:8501"


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error with our exit status for refusals."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_REFUSED, say.failed(message))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cancel-assist", description="Cancel a dropshipping order correctly: supplier first, then Shopify.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    status = sub.add_parser("status", help="the order's path, steps, states and warnings")
    status.add_argument("order", help="#1001, 1001, an order id, a GID or the order's admin URL")
    status.add_argument("--json", action="store_true", help="print stable JSON (keys documented in --help of the module)")

    link = sub.add_parser("link", help="the deep link that opens this order's walkthrough for a ticket")
    link.add_argument("order")
    link.add_argument("--ticket", help="support ticket id, e.g. ZD-42")
    link.add_argument("--base-url", default=None, help=f"the app's address (default {_DEFAULT_BASE_URL})")

    reply = sub.add_parser("reply", help="the customer reply text (Markdown) for this order's outcome")
    reply.add_argument("order")

    cancel = sub.add_parser("cancel", help="cancel the order on Shopify (when its path allows it)")
    cancel.add_argument("order")
    cancel.add_argument("--reason", required=True, type=str.upper, choices=[r.value for r in CancelReason])
    cancel.add_argument("--refund", required=True, type=str.lower, choices=[t.value for t in RefundTiming])
    cancel.add_argument("--refund-to", default=None, type=str.lower,
                        choices=[d.value for d in RefundDestination],
                        help="with --refund now: the original payment method (default) or store credit")
    cancel.add_argument("--restock", action="store_true", help="restock the items")
    cancel.add_argument("--notify", action="store_true", help="let Shopify email the customer")
    cancel.add_argument("--staff-note", default=None, help="internal note, at most 255 characters")
    cancel.add_argument("--ticket", default=None)
    cancel.add_argument("--yes", action="store_true", help="confirm: a cancellation cannot be undone")
    cancel.add_argument("--agent", default=None, help="who acts, for the record (default: the OS user)")

    db = sub.add_parser("db", help="the activity record's database")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    copy = db_sub.add_parser("copy", help="copy a record (activity, claims, progress, supplier ids) to another store")
    copy.add_argument("--from", dest="source", required=True, help="sqlite:PATH (or a postgresql:// URL)")
    copy.add_argument("--to", dest="target", required=True, help="postgresql://user:password@host:5432/name")

    follow = sub.add_parser("follow-ups", help="orders waiting on a seller, a service or a person; --check re-reads them")
    follow.add_argument("--json", action="store_true", help="print stable JSON (keys in the module docstring)")
    follow.add_argument("--check", action="store_true",
                        help="re-read the due orders, record changes, send authorised cancels (safe from cron)")
    follow.add_argument("--all", action="store_true", help="with --check: re-read every open follow-up, due or not")
    follow.add_argument("--closed", action="store_true", help="also list finished follow-ups")
    follow.add_argument("--agent", default=None, help="who runs the check, for the record (default: the OS user)")

    supplier = sub.add_parser("supplier", help="say what the supplier side is when it cannot be read: what the "
                                               "supplier's site shows, or that no supplier order was placed")
    supplier.add_argument("order")
    which = supplier.add_mutually_exclusive_group(required=True)
    which.add_argument("--order-id", help="the supplier order checked by hand on the supplier's site")
    which.add_argument("--none", action="store_true", help="confirm that no supplier order was placed for this order")
    supplier.add_argument("--supplier", choices=list(SUPPLIERS), default=None,
                          help="whose order it is (default: the order's supplier order with that id)")
    supplier.add_argument("--status", type=str.lower, choices=[h.value for h in HandStatus],
                          help="what the supplier's order page shows")
    supplier.add_argument("--ticket", default=None)
    supplier.add_argument("--agent", default=None, help="who checked, for the record (default: the OS user)")
    return parser


def _agent(args: argparse.Namespace) -> str | None:
    """Who acts: --agent, else the OS user (None when even that is unknown)."""
    if getattr(args, "agent", None):
        return str(args.agent)
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def cli_settings(env: Mapping[str, str]) -> AppSettings:
    """The settings as the app would read them here: `.streamlit/secrets.toml` in this folder, then the environment."""
    return _settings(env)


def _settings(env: Mapping[str, str]) -> AppSettings:
    path = Path(".streamlit/secrets.toml")
    secrets: dict[str, Any] = {}
    if path.is_file():
        try:
            secrets = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(say.toml_invalid(str(path), str(exc)), system="settings") from None
        except OSError as exc:
            raise ConfigError(say.not_a_file(str(path), str(exc.strerror)), system="settings") from None
    return load_settings(secrets, env)


def _assistant(settings: AppSettings) -> Any:
    """The page's assistant; on the sandbox always persisted, so successive commands see each other's effects."""
    from actions.assistant import build_assistant, sandbox_path

    if settings.mode == "live":
        return build_assistant(settings)
    saved = sandbox_path(settings)
    if saved.exists() and not saved.is_file():
        raise ConfigError(say.sandbox_file_not_regular(str(saved)), system="sandbox")
    return build_assistant(settings.model_copy(update={"sandbox_persist": True}))


def _money(value: Money | None) -> dict[str, str] | None:
    return None if value is None else {"amount": str(value.amount), "currency": value.currency}


def _history_json(records: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id, "at": r.at.isoformat(), "action": r.action, "outcome": r.outcome, "message": r.message,
            "ticket": r.ticket, "request_id": r.request_id, "agent": r.agent,
        }
        for r in records
    ]


def lookup_json(lookup: Any, mode: str, history: Sequence[Any] = ()) -> dict[str, Any]:
    """The stable JSON of `status --json` (see the module docstring)."""
    state, wt = lookup.state, lookup.walkthrough
    shop = state.shopify
    return {
        "mode": mode,
        "order": shop.name,
        "path": wt.path.value,
        "title": wt.title,
        "explanation": wt.explanation,
        "cites": wt.cites,
        "steps": [
            {
                "id": s.step_id, "title": s.title, "status": s.status.value,
                "action": s.action.value if s.action else None, "target": s.target, "supplier": s.supplier,
                "revert": s.revert.value if s.revert else None, "reason": s.reason,
            }
            for s in wt.steps
        ],
        "shopify": {
            "id": shop.id,
            "name": shop.name,
            "cancelled": shop.is_cancelled,
            "cancelled_at": shop.cancelled_at.isoformat() if shop.cancelled_at else None,
            "financial_status": shop.financial_status.value if shop.financial_status else None,
            "fulfillment_status": shop.fulfillment_status.value,
            "total": _money(shop.total),
            "received": _money(shop.received),
            "payment_gateways": list(shop.payment_gateways),
            "refundable": _money(refundable(shop)),
            "refundable_presentment": _money(refundable_presentment(shop)),
            "manual_payment": shop.manual_payment,
            "refund_default": default_refund(shop).value,
            "disputes": [{"id": d.id, "initiated_as": d.initiated_as, "status": d.status, "open": d.is_open}
                         for d in shop.disputes],
            "fulfillment_orders": [
                {"id": f.id, "status": f.status.value, "request_status": f.request_status.value,
                 "supported_actions": [a.value for a in f.supported_actions], "hold_reasons": list(f.hold_reasons),
                 "cancellation_requested_at": (f.cancellation_requested_at.isoformat()
                                               if f.cancellation_requested_at else None)}
                for f in shop.fulfillment_orders
            ],
        },
        "suppliers": [
            {
                "supplier": s.supplier, "order_id": s.order_id, "status": s.status.value, "raw_status": s.raw_status,
                "cancel_channel": s.cancel_channel.value, "cancel_note": s.cancel_note, "order_url": s.order_url,
                "read_error": s.read_error, "source": s.source,
                "checked_at": s.checked_at.isoformat() if s.checked_at else None, "checked_ticket": s.checked_ticket,
            }
            for s in state.suppliers
        ],
        "supplier_refs_source": state.supplier_refs_source,
        "customer_notified": state.customer_notified,
        "no_supplier_order": (
            {"at": state.no_supplier_order.at.isoformat(), "ticket": state.no_supplier_order.ticket}
            if state.no_supplier_order else None
        ),
        "warnings": list(wt.warnings),
        "read_at": lookup.read_at.isoformat(),
        "history": _history_json(history),
    }


class _Terminal:
    """A text stream for people: control characters in what is written (remote strings can carry escape
    sequences, carriage returns and bidi overrides that repaint or reorder a terminal) are dropped."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(_CONTROL.sub("", text))


# C0 (but tab and newline), DEL, C1, and the invisible marks that reorder text (bidi) or break lines.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _db_copy(args: argparse.Namespace, env: Mapping[str, str], out: TextIO | _Terminal) -> int:
    """`db copy --from sqlite:PATH --to postgresql://...`: the whole record, in one transaction."""
    from actions.activity import copy_record

    source_text = str(args.source)
    if not source_text.startswith(("sqlite:", "postgresql://", "postgres://")):
        raise InputError(say.FROM_FORMAT, system="cli")
    if not str(args.target).startswith(("postgresql://", "postgres://", "sqlite:")):
        raise InputError(say.TO_FORMAT, system="cli")
    if source_text.startswith("sqlite:") and not Path(source_text.removeprefix("sqlite:")).is_file():
        raise InputError(say.no_activity_log(source_text.removeprefix("sqlite:")), system="cli")
    for url in (source_text, str(args.target)):
        if not url.startswith("sqlite:"):
            try:
                check_database_url(url)
            except ValueError as exc:
                raise InputError(str(exc), system="cli") from None
    counts, label = copy_record(source_text, str(args.target))
    out.write(say.copied(counts, label))
    return EXIT_OK


def _status_text(lookup: Any, mode: str, out: TextIO, history: Sequence[Any] = ()) -> None:
    """`status` for people; remote strings (names, statuses, errors) are printed as plain text."""
    lines = [say.HistoryLine(at=r.at, agent=r.agent, ticket=r.ticket, action=r.action, outcome=r.outcome,
                             message=r.message) for r in history]
    _Terminal(out).write(say.status_text(lookup.state, lookup.walkthrough, mode) + say.history_text(lines))


def _supplier(assistant: Any, args: argparse.Namespace, out: TextIO | _Terminal) -> int:
    """`supplier`: record a check by hand, or that no supplier order was placed."""
    if args.none:
        if args.status or args.supplier:
            raise InputError(say.NONE_TAKES_NO_STATUS, system="cli")
        lookup = assistant.confirm_no_supplier_order(args.order, ticket=args.ticket)
        out.write(say.recorded_none(lookup.state.shopify.name, args.ticket))
    else:
        if not args.status:
            raise InputError(say.ORDER_ID_NEEDS_STATUS, system="cli")
        lookup = assistant.record_supplier_check(args.order, args.order_id, args.status, supplier=args.supplier,
                                                 ticket=args.ticket)
        seen = next((s for s in lookup.state.suppliers if s.order_id == args.order_id.strip()), None)
        out.write(say.recorded_check(args.order_id.strip(), args.status, args.ticket))
        if seen is not None and seen.source == "api":
            out.write(say.api_wins(seen.status.value))
    out.write(say.path_now(lookup.walkthrough))
    return EXIT_OK


def _run(args: argparse.Namespace, env: Mapping[str, str], raw_out: TextIO, err: TextIO | _Terminal) -> int:
    out = _Terminal(raw_out)  # everything but `status --json`, which escapes control characters itself
    if args.command == "link":
        from actions.links import deep_link

        base = args.base_url or env.get("CANCEL_ASSIST_BASE_URL") or _DEFAULT_BASE_URL
        settings = _settings(env)
        shop = settings.shopify.shop if settings.mode == "live" and settings.shopify else None
        out.write(deep_link(base, args.order, args.ticket, shop=shop) + "\n")
        return EXIT_OK

    if args.command == "db":
        return _db_copy(args, env, out)

    settings = _settings(env)
    assistant = _assistant(settings).as_agent(_agent(args))
    if args.command == "follow-ups":
        return _follow_ups(args, assistant, out)
    if args.command == "status":
        lookup = assistant.look_up(args.order)
        assistant.follow_up(lookup)  # an order seen waiting is followed from now on (`follow-ups`)
        history = assistant.history(lookup)  # who did what: the second agent sees what the first did
        if args.json:
            raw_out.write(json.dumps(lookup_json(lookup, assistant.mode, history), indent=2, ensure_ascii=False) + "\n")
        else:
            _status_text(lookup, assistant.mode, raw_out, history)
        return EXIT_OK
    if args.command == "reply":
        out.write(assistant.customer_reply(assistant.look_up(args.order)))
        return EXIT_OK

    if args.command == "supplier":
        return _supplier(assistant, args, out)

    from actions.assistant import ActionRequest
    from actions.links import validate_ticket

    if args.refund_to is not None and RefundTiming(args.refund) is RefundTiming.LATER:
        raise InputError(say.REFUND_TO_NEEDS_NOW, system="cli")  # never drop where the agent meant the money to go
    try:
        options = CancelOptions(
            reason=CancelReason(args.reason), refund=RefundTiming(args.refund),
            refund_to=RefundDestination(args.refund_to or RefundDestination.ORIGINAL.value), restock=args.restock,
            notify_customer=args.notify, staff_note=args.staff_note,
        )
    except ValidationError as exc:
        raise InputError(say.STAFF_NOTE_PROBLEMS.get(exc.errors()[0]["type"], say.STAFF_NOTE_PROBLEMS["string_too_long"]),
                         system="cli") from None
    validate_ticket(args.ticket)
    if not args.yes:
        lookup = assistant.look_up(args.order)
        refusal = assistant.why_not(lookup, ActionRequest(action=ActionId.CANCEL_ORDER, order=args.order,
                                                          options=options))
        if refusal is not None:  # never a preview of a cancel that --yes would then be refused
            err.write(refusal + "\n")
            err.write(say.path_now(lookup.walkthrough))
            return EXIT_REFUSED
        preview = assistant.preview_cancel(lookup, options)
        err.write(say.would_do(preview.summary))
        err.write(say.NOT_CONFIRMED)
        return EXIT_REFUSED
    result = assistant.run(ActionRequest(action=ActionId.CANCEL_ORDER, order=args.order, ticket=args.ticket,
                                         options=options))
    stream = out if result.ok else err
    stream.write(result.message + "\n")
    if result.outcome == "unknown":
        # The cancel was sent and may still land: a path read before it shows would invite a second one.
        stream.write(say.check_it_with(shlex.quote(args.order)))
        return EXIT_ERROR
    if result.lookup is not None:
        stream.write(say.path_now(result.lookup.walkthrough))
    if result.ok:
        return EXIT_OK
    return EXIT_REFUSED if result.outcome in ("refused", "already_done") else EXIT_ERROR


def follow_up_json(item: Any) -> dict[str, Any]:
    """One follow-up as `follow-ups --json` prints it."""
    auth = item.authorisation
    return {
        "order": item.order, "order_id": item.order_id, "ticket": item.ticket, "status": item.status.value,
        "waiting_for": item.waiting_for.value if item.waiting_for else None, "waiting_words": item.waiting_words,
        "detail": item.detail, "path": item.path, "since": item.since.isoformat(), "due_at": item.due_at.isoformat(),
        "checked_at": item.checked_at.isoformat() if item.checked_at else None,
        "closed_at": item.closed_at.isoformat() if item.closed_at else None,
        "due": item.due, "needs_person": item.needs_person,
        "authorisation": None if auth is None else {
            "id": auth.id, "agent": auth.agent, "state": auth.state, "expires_at": auth.expires_at.isoformat(),
            "options": auth.options.model_dump(mode="json"), "used_by_run": auth.used_by_run,
            "record_id": auth.record_id,
        },
    }


def _follow_up_line(item: Any) -> str:
    auth = item.authorisation if item.authorisation is not None and item.authorisation.state == "active" else None
    return say.follow_up_line(
        order=item.order, ticket=item.ticket, is_waiting=item.status.value == "waiting",
        waiting_words=item.waiting_words, status_words=item.status_words, since=item.since, due=item.due,
        due_at=item.due_at, authorised_by=auth.agent if auth else None, authorised_until=auth.expires_at if auth else None,
        closed_at=item.closed_at, detail=item.detail)


def _follow_ups(args: argparse.Namespace, assistant: Any, out: TextIO | _Terminal) -> int:
    if args.all and not args.check:
        raise InputError(say.ALL_NEEDS_CHECK, system="cli")
    if args.closed and args.check:
        raise InputError(say.CLOSED_NOT_WITH_CHECK, system="cli")
    if not args.check:
        items = assistant.follow_ups(include_closed=args.closed)
        if args.json:
            out.write(json.dumps({"mode": assistant.mode, "follow_ups": [follow_up_json(i) for i in items]},
                                 indent=2, ensure_ascii=False) + "\n")
        elif not items:
            out.write(say.NO_FOLLOW_UPS)
        else:
            for item in items:
                out.write(_follow_up_line(item))
        return EXIT_OK
    report = assistant.check_follow_ups(every=args.all)
    if args.json:
        out.write(json.dumps({
            "mode": assistant.mode, "run": report.run, "ran": report.ran,
            "checked": [{**c.model_dump(mode="json", exclude={"order_id"}), "order_id": c.order_id}
                        for c in report.checked],
            "needs_person": [follow_up_json(i) for i in report.needs_person],
        }, indent=2, ensure_ascii=False) + "\n")
    elif not report.ran:
        out.write(say.nothing_done(report.held_by))
    else:
        out.write(say.check_run(report.run, len(report.checked)))
        for c in report.checked:
            mark = "!" if c.error else ("*" if c.changed else "-")
            out.write(say.checked_line(mark, c.order, c.ticket, c.message))
            if c.reply:
                out.write(say.reply_ready(c.order.lstrip("#")))
        if report.needs_person:
            out.write(say.NEEDS_A_PERSON)
            for item in report.needs_person:
                out.write("  " + _follow_up_line(item).replace("\n    ", "\n      "))
        else:
            out.write(say.NOTHING_NEEDS_A_PERSON)
    if not report.ran:
        return EXIT_BUSY
    if report.errors:
        return EXIT_ERROR
    return EXIT_NEEDS_PERSON if report.needs_person else EXIT_OK


def main(argv: Sequence[str] | None = None, *, env: Mapping[str, str] | None = None) -> int:
    """Entry point of `cancel-assist`; returns the exit status (also when installed as a script)."""
    env = dict(os.environ if env is None else env)
    args = _parser().parse_args(list(argv) if argv is not None else None)
    out, err = sys.stdout, _Terminal(sys.stderr)
    try:
        return _run(args, env, out, err)
    except InputError as exc:
        err.write(say.failed(redact(str(exc), _env_secrets(env))))
        return EXIT_REFUSED
    except ActionError as exc:
        err.write(say.failed(redact(str(exc), _env_secrets(env))))
        return EXIT_ERROR
    except KeyboardInterrupt:
        err.write(say.INTERRUPTED)
        if args.command == "cancel" and args.yes:  # the cancel may have left: `status` settles it
            err.write(say.check_it_with(shlex.quote(args.order)))
        return EXIT_ERROR
    except OSError as exc:  # a file or folder of ours (data dir, sandbox file) that cannot be used
        err.write(say.os_failed(exc.strerror or type(exc).__name__, exc.filename))
        return EXIT_ERROR


def _env_secrets(env: Mapping[str, str]) -> tuple[str, ...]:
    names = ("SHOPIFY_ACCESS_TOKEN", "ALIEXPRESS_APP_SECRET", "ALIEXPRESS_ACCESS_TOKEN", "CJ_API_KEY")
    return tuple(env[n] for n in names if env.get(n))


if __name__ == "__main__":
    raise SystemExit(main())
