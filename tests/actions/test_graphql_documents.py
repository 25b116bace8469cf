"""Every GraphQL document the project sends is registered and valid against Shopify's 2026-04 schema."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, build_schema, parse, validate

import actions
from actions import shopify_documents
from actions.shopify_documents import DOCUMENTS, Document, is_registered

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "actions" / "shopify_documents.py"
SCHEMA = Path(actions.__file__).parent / "schema" / "shopify-admin-2026-04.graphql"

# A named operation or fragment opening ("query X(", "mutation X {", "fragment F on"), or an
# anonymous operation written as a string ("{ shop {", "query {").
_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+[A-Za-z_]\w*\s*[({]|\bfragment\s+\w+\s+on\s+\w+")
_ANONYMOUS = re.compile(r"""["']\s*(?:query|mutation)?\s*\{\s*\w+\s*(?:\([^)]*\))?\s*\{""")


@cache
def _schema() -> GraphQLSchema:
    # graphql-core 3.3 rejects Shopify's schema on validation of deprecated interface fields.
    return build_schema(SCHEMA.read_text(encoding="utf-8"), assume_valid=True)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_registered_document_validates_against_the_vendored_schema(name: str) -> None:
    errors = validate(_schema(), parse(DOCUMENTS[name].text))
    assert errors == [], [e.message for e in errors]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_holds_one_operation_named_as_registered(name: str) -> None:
    document = DOCUMENTS[name]
    operations = [d for d in parse(document.text).definitions if isinstance(d, OperationDefinitionNode)]
    assert [(op.name.value if op.name else None, op.operation.value) for op in operations] == [
        (name, document.kind)
    ]


def test_an_invalid_document_fails_validation() -> None:
    bogus = """
    mutation Bogus($id: ID!) {
      orderCancel(orderId: $id, reason: BOGUS, restock: true) { notAField }
    }
    """
    messages = [e.message for e in validate(_schema(), parse(bogus))]
    assert any("BOGUS" in m for m in messages)
    assert any("notAField" in m for m in messages)


def test_the_registry_covers_every_operation_the_client_needs() -> None:
    assert set(DOCUMENTS) == {
        "OrderStateById", "OrderStateByName", "JobStatus", "ConnectionCheck", "OrderCancel",
        "FulfillmentOrderCancel", "FulfillmentOrderSubmitCancellationRequest", "FulfillmentOrderOpen",
        "FulfillmentOrderReleaseHold",
    }


def test_only_the_registry_can_make_a_document() -> None:
    with pytest.raises(TypeError):
        Document("Sneaky", "query", "query Sneaky { shop { name } }")


def test_a_look_alike_document_is_not_registered() -> None:
    original = DOCUMENTS["JobStatus"]
    copy = object.__new__(Document)
    copy.name, copy.kind, copy.text = original.name, original.kind, original.text
    assert is_registered(original)
    assert not is_registered(copy)


def _sources() -> list[Path]:
    files = [p for folder in ("actions", "kb", "pages") for p in (ROOT / folder).rglob("*.py")]
    files += [ROOT / "streamlit_app.py"] if (ROOT / "streamlit_app.py").exists() else []
    return [p for p in files if p != REGISTRY]


def test_no_module_outside_the_registry_holds_an_inline_graphql_operation() -> None:
    offenders = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for pattern in (_OPERATION, _ANONYMOUS):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)!r}")
    assert offenders == []


def test_the_inline_operation_guard_catches_each_shape() -> None:
    samples = [
        'Q = "query OrderX($id: ID!) { order(id: $id) { id } }"',
        "M = '''mutation Cancel { orderCancel(orderId: 1) { job { id } } }'''",
        'F = "fragment Bits on Order { id }"',
        'A = "{ shop { name } }"',
        'B = "query { order(id: 1) { id } }"',
    ]
    for sample in samples:
        assert _OPERATION.search(sample) or _ANONYMOUS.search(sample), sample
    assert not _OPERATION.search('"""Read an order in one query (the registry holds it)."""')
    assert not _ANONYMOUS.search('payload = {"query": document.text, "variables": {}}')


def test_the_guard_reads_the_registry_module_it_exempts() -> None:
    assert Path(shopify_documents.__file__).resolve() == REGISTRY
