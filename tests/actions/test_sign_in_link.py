"""A ticket's link survives the sign-in round trip, and nothing else rides along with it."""

from __future__ import annotations

import asyncio

from actions.sign_in_link import COOKIE, KeepLinkThroughSignIn, link_query

HOST = "cancel.example.com"


def _call(path: str, headers: dict[str, str], status: int = 302, location: str = "/") -> tuple[int, dict, list]:
    """One request through the middleware in front of an app that redirects home (as Streamlit's auth routes do)."""
    sent: list[dict] = []

    async def streamlit(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"location", location.encode()), (b"set-cookie", b"_streamlit_user=x")]})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message) -> None:  # type: ignore[no-untyped-def]
        sent.append(message)

    scope = {"type": "http", "path": path, "scheme": "http",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(KeepLinkThroughSignIn(streamlit)(scope, receive, send))
    start = sent[0]
    location_out = [v.decode() for k, v in start["headers"] if k == b"location"]
    cookies = [v.decode() for k, v in start["headers"] if k == b"set-cookie" and v.startswith(COOKIE.encode())]
    return start["status"], {"location": location_out[0] if location_out else None}, cookies


def test_only_the_order_and_ticket_of_this_app_s_own_page_are_kept() -> None:
    page = f"https://{HOST}/?order=1011&ticket=ZD-77&next=https://evil.example&order=1012"
    assert link_query(page, (HOST,)) == "order=1012&ticket=ZD-77"  # the last value, as st.query_params reads it
    assert link_query(f"https://{HOST}/activity?ticket=ZD%2077", (HOST,)) == "ticket=ZD+77"
    assert link_query("https://evil.example/?order=1011", (HOST,)) is None
    assert link_query(f"https://{HOST}/?page=2", (HOST,)) is None
    assert link_query(None, (HOST,)) is None
    assert link_query("order=1011&ticket=" + "x" * 500) == "order=1011&ticket=" + "x" * 200


def test_starting_the_sign_in_notes_the_link_and_the_provider_s_answer_puts_it_back_on_the_way_home() -> None:
    _, _, noted = _call("/auth/login", {"host": HOST, "referer": f"https://{HOST}/?order=1011&ticket=ZD-77"})
    assert len(noted) == 1 and "HttpOnly" in noted[0] and "SameSite=Lax" in noted[0] and "Max-Age=900" in noted[0]
    value = noted[0].split(";")[0].split("=", 1)[1]

    status, headers, cleared = _call("/oauth2callback", {"host": HOST, "cookie": f"a=b; {COOKIE}={value}"})
    assert status == 302 and headers["location"] == "/?order=1011&ticket=ZD-77"
    assert cleared == [f"{COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"]


def test_a_sign_in_started_elsewhere_or_without_a_link_carries_nothing() -> None:
    _, _, noted = _call("/auth/login", {"host": HOST, "referer": "https://evil.example/?order=1011"})
    assert noted == [f"{COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"]  # and an older note is dropped
    _, headers, cleared = _call("/oauth2callback", {"host": HOST})
    assert headers["location"] == "/" and cleared == []


def test_a_forged_cookie_can_neither_redirect_elsewhere_nor_add_parameters() -> None:
    forged = "next%3Dhttps%253A%252F%252Fevil.example%26order%3D1011%253Cscript%253E"
    _, headers, _ = _call("/oauth2callback", {"host": HOST, "cookie": f"{COOKIE}={forged}"})
    assert headers["location"] == "/?order=1011%3Cscript%3E"  # only order and ticket, re-encoded; the page validates
    _, headers, _ = _call("/oauth2callback", {"host": HOST, "cookie": f"{COOKIE}=order%3D1011"},
                          location="https://provider.example/")
    assert headers["location"] == "https://provider.example/"  # only Streamlit's redirect home is touched
