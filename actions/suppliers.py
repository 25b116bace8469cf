"""The supplier protocol, and the concurrent reads of an order's supplier orders.

Each supplier adapter (`actions.aliexpress`, `actions.cjdropshipping`) turns its wire format into a
`kb.state.SupplierOrderState`; what a status means and how it can be cancelled is decided in
`kb.suppliers`, never here. A supplier order that cannot be read is not an error for the page:
it becomes an UNKNOWN state with the reason in merchant words and the link to check it by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, runtime_checkable

from actions.errors import ActionError, InputError, MalformedResponse, SupplierRefused
from kb.state import CancelChannel, SupplierName, SupplierOrderState, SupplierRef, SupplierStatus
from kb.suppliers import cancel_channel, check_order_id, supplier_order_url, supplier_title
from kb.wording import supplier_errors as say

__all__ = [
    "MAX_READ_WORKERS",
    "SupplierClient",
    "SupplierRefused",
    "UnconfiguredSupplier",
    "malformed",
    "read_supplier_orders",
    "supplier_title",
    "unreadable_state",
    "validate_order_id",
]

_log = logging.getLogger(__name__)

MAX_READ_WORKERS = 8


@runtime_checkable
class SupplierClient(Protocol):
    """What the assistant needs from a supplier: read an order, link to it, cancel it where an API allows."""

    @property
    def supplier(self) -> SupplierName: ...

    @property
    def request_count(self) -> int: ...

    def read_order(self, order_id: str) -> SupplierOrderState: ...

    def order_url(self, order_id: str) -> str: ...

    def cancel(self, order_id: str) -> SupplierOrderState: ...

    def check_credentials(self) -> None:
        """Return if the supplier accepts our credentials (one light request); raise ActionError if not."""
        ...


def validate_order_id(supplier: SupplierName, order_id: str) -> str:
    """The order id if it can be this supplier's; InputError (merchant words) otherwise."""
    try:
        return check_order_id(supplier, order_id)
    except ValueError as exc:
        raise InputError(str(exc).capitalize(), system=supplier) from None


def unreadable_state(supplier: SupplierName, order_id: str, reason: str) -> SupplierOrderState:
    """A supplier order we could not read: UNKNOWN, never cancellable, with the reason and the link."""
    try:
        url: str | None = supplier_order_url(supplier, order_id)
    except ValueError:
        url = None
    _, note = cancel_channel(supplier, SupplierStatus.UNKNOWN)
    return SupplierOrderState(
        supplier=supplier,
        order_id=order_id,
        status=SupplierStatus.UNKNOWN,
        cancel_channel=CancelChannel.NONE,
        cancel_note=note,
        order_url=url,
        read_error=reason or say.UNREADABLE,
    )


class UnconfiguredSupplier:
    """A supplier without API credentials in live mode: nothing is read; the merchant checks by hand."""

    def __init__(self, supplier: SupplierName) -> None:
        self.supplier: SupplierName = supplier
        self.request_count = 0

    def order_url(self, order_id: str) -> str:
        return supplier_order_url(self.supplier, validate_order_id(self.supplier, order_id))

    def read_order(self, order_id: str) -> SupplierOrderState:
        order_id = validate_order_id(self.supplier, order_id)
        return unreadable_state(self.supplier, order_id, say.no_api_access(self.supplier))

    def check_credentials(self) -> None:
        """Nothing to check: no credentials, no API."""

    def cancel(self, order_id: str) -> SupplierOrderState:
        url = self.order_url(order_id)
        raise SupplierRefused(say.no_api_access_cancel(self.supplier, order_id.strip(), url), system=self.supplier,
                              url=url)


def _read_one(clients: Mapping[str, SupplierClient], ref: SupplierRef) -> SupplierOrderState:
    client = clients.get(ref.supplier)
    if client is None:
        return unreadable_state(ref.supplier, ref.order_id, say.not_connected(ref.supplier))
    try:
        return client.read_order(ref.order_id)
    except ActionError as exc:
        return unreadable_state(ref.supplier, ref.order_id, str(exc))
    except Exception as exc:  # a bug must not take the whole page down; its text may hold anything
        _log.error("reading a %s order failed unexpectedly: %s", ref.supplier, type(exc).__name__)
        return unreadable_state(ref.supplier, ref.order_id, say.UNEXPECTED_ERROR)


def read_supplier_orders(
    clients: Mapping[str, SupplierClient], refs: Sequence[SupplierRef], *, max_workers: int = MAX_READ_WORKERS
) -> tuple[SupplierOrderState, ...]:
    """Read every supplier order at once (threads), in the order of `refs`; a failed read is UNKNOWN, never raised."""
    refs = tuple(refs)
    if len(refs) <= 1:
        return tuple(_read_one(clients, ref) for ref in refs)
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(refs))), thread_name_prefix="supplier") as pool:
        return tuple(pool.map(lambda ref: _read_one(clients, ref), refs))


def malformed(system: str, what: str, *, status: int | None = None, request_id: str | None = None) -> MalformedResponse:
    """The error for a response that is not what the supplier documents."""
    return MalformedResponse(say.unexpected_answer(system, what), system=system, status=status, request_id=request_id)
