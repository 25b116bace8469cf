"""One error tree: every failure an adapter raises is an ActionError, and says whether a write may have left."""

from __future__ import annotations

import actions.graphql_transport
import actions.suppliers
import actions.wire
from actions import errors
from actions.errors import (
    ActionError,
    AlreadyDone,
    AmbiguousWrite,
    ApiError,
    MalformedResponse,
    NotSent,
    OutcomeUnknown,
    RateLimited,
    Refused,
    ServerError,
    SupplierRefused,
    TransportError,
)


def test_the_tree_lives_in_one_module_and_every_class_is_drawn_in_its_docstring() -> None:
    classes = [getattr(errors, name) for name in errors.__all__ if isinstance(getattr(errors, name), type)]
    assert all(issubclass(cls, ActionError) for cls in classes)
    assert all(cls.__module__ == "actions.errors" for cls in classes)
    assert all(cls.__name__ in (errors.__doc__ or "") for cls in classes)
    # the adapters' own failures are members of it, not trees of their own
    assert actions.wire.NotSent is NotSent and actions.graphql_transport.AmbiguousWrite is AmbiguousWrite
    assert actions.suppliers.SupplierRefused is SupplierRefused


def test_whether_a_write_may_have_left_is_one_property_of_the_failure() -> None:
    left = [TransportError("reset", timeout=False), TransportError("slow", timeout=True), ServerError("503"),
            MalformedResponse("garbled"), OutcomeUnknown("?"),
            AmbiguousWrite("?", cause=TransportError("slow", timeout=True))]
    stayed = [NotSent("no route"), NotSent("connect timeout", timeout=True), ApiError("400", status=400),
              RateLimited("429"), Refused("no"), SupplierRefused("no", url="https://x"), AlreadyDone("done"),
              ActionError("plain")]
    assert [e.may_have_left for e in left] == [True] * len(left)
    assert [e.may_have_left for e in stayed] == [False] * len(stayed)
