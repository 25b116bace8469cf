"""The sandbox's slim schema is up to date, serves every app document, and answers exactly as the full one."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from tests.actions.sandbox_clock import Clock

import actions.sandbox.shopify as sandbox_shopify
from actions.sandbox import SANDBOX_SHOP, SANDBOX_TOKEN, Sandbox, order_gid
from actions.sandbox.seed import DEMO_ORDERS
from actions.sandbox.slim_schema import FULL_SCHEMA_FILE, SLIM_SCHEMA_FILE, slim_sdl
from actions.shopify_documents import DOCUMENTS, ORDER_STATE_BY_ID, ORDER_STATE_BY_NAME

URL = f"https://{SANDBOX_SHOP}/admin/api/2026-04/graphql.json"
AUTH = {"X-Shopify-Access-Token": SANDBOX_TOKEN}


def _read(name: str) -> str:
    return resources.files("actions").joinpath(name).read_text(encoding="utf-8")


def test_the_slim_schema_file_is_what_the_generator_makes_from_the_app_documents() -> None:
    expected = slim_sdl(_read(FULL_SCHEMA_FILE), (d.text for d in DOCUMENTS.values()))
    assert _read(SLIM_SCHEMA_FILE) == expected, "run `python -m actions.sandbox.slim_schema` and commit the file"


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_app_document_runs_on_the_slim_schema(name: str) -> None:
    schema, problems = sandbox_shopify.validated(DOCUMENTS[name].text)
    assert problems == ()
    assert schema is sandbox_shopify.sandbox_schema()


def test_a_document_the_slim_schema_refuses_gets_shopifys_own_errors_from_the_full_schema() -> None:
    schema, problems = sandbox_shopify.validated("{ shop { name currencyCode nosuchField } }")
    assert schema is sandbox_shopify.shopify_schema()
    assert [p.message for p in problems] == ["Cannot query field 'nosuchField' on type 'Shop'."]


def _post(sandbox: Sandbox, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    with sandbox.client() as http:
        response = http.post(URL, json={"query": query, "variables": variables}, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _answers(monkeypatch: pytest.MonkeyPatch, *, full: bool) -> list[str]:
    """Every demo order read by id and by name, with the data and the requested cost of each answer."""
    if full:
        monkeypatch.setattr(sandbox_shopify, "validated", lambda q: (sandbox_shopify.shopify_schema(), ()))
    clock = Clock()
    sandbox = Sandbox(clock=clock)
    out = []
    for name in sorted(DEMO_ORDERS):
        for document, variables in ((ORDER_STATE_BY_ID, {"id": order_gid(int(name.lstrip("#")))}),
                                    (ORDER_STATE_BY_NAME, {"query": f"name:{name}"})):
            clock.now += 20  # the throttle bucket refills between reads: every answer is data, never THROTTLED
            body = _post(sandbox, document.text, variables)
            out.append(json.dumps([body.get("data"), body.get("errors"), body["extensions"]["cost"]["requestedQueryCost"]]))
    monkeypatch.undo()
    return out


def test_the_slim_and_the_full_schema_answer_every_demo_order_identically(monkeypatch: pytest.MonkeyPatch) -> None:
    slim = _answers(monkeypatch, full=False)
    assert slim == _answers(monkeypatch, full=True)
    assert all('"name"' in answer for answer in slim)
