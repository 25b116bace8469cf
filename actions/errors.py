"""One error hierarchy for every adapter: Shopify, the suppliers, the activity store.

    ActionError                  everything raised on purpose; `str()` is a merchant's sentence
    ├── ConfigError              settings missing or invalid
    ├── InputError               what was typed cannot be an order, ticket or supplier reference
    ├── TransportError           the remote could not be reached or did not answer in time
    │   └── NotSent              the connection was never made: nothing left this machine
    ├── ApiError                 the remote answered with an error (status, code, request id)
    │   ├── AuthenticationError  401, a wrong or revoked token
    │   ├── PaymentRequiredError 402, a frozen shop
    │   ├── PermissionDenied     403, a missing scope or staff permission
    │   ├── NotFoundError        no such order for these credentials
    │   ├── LockedError          423, a locked shop
    │   ├── RateLimited          throttled longer than we wait
    │   ├── ServerError          5xx after the retries allowed
    │   ├── MalformedResponse    not what the API documents
    │   ├── GraphQLError         top-level GraphQL errors
    │   └── UserError            a mutation's user errors
    ├── AmbiguousWrite           a write may or may not have run (its `cause` says why)
    ├── AlreadyDone              what was asked for is already done
    ├── Refused                  the order's path does not allow it
    │   └── SupplierRefused      not from here: cancel it on the supplier's site (`url`)
    ├── OutcomeUnknown           a write's result is not known, even after re-reading
    └── StoreError               the activity store cannot be opened or written

Whether a write this failure interrupted may have reached the remote is one property,
`may_have_left` (True for a transport failure once connected, a 5xx, a garbled answer, an
ambiguous write or an unknown outcome; False for `NotSent` and a clear refusal): the adapters
turn such a failure of a write into `AmbiguousWrite` and re-read, never sending it again.

The UI and the CLI catch only `ActionError` and show `str(error)`: a sentence a merchant
understands, with the remote request id when there is one, and never a secret. Remote text is
masked once, where it enters (`actions.wire.send` masks every answer's headers and body, request
ids included); `redact` masks first and only then cuts, so a cut never leaves part of a secret.
Lower-layer exceptions (httpx, sqlite3, json) are translated once, at the adapter's boundary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

from kb.wording.errors import with_request_id

__all__ = [
    "MASK",
    "ActionError",
    "AlreadyDone",
    "AmbiguousWrite",
    "ApiError",
    "AuthenticationError",
    "ConfigError",
    "GraphQLError",
    "InputError",
    "LockedError",
    "MalformedResponse",
    "NotSent",
    "NotFoundError",
    "OutcomeUnknown",
    "PaymentRequiredError",
    "PermissionDenied",
    "RateLimited",
    "Refused",
    "ServerError",
    "StoreError",
    "SupplierRefused",
    "TransportError",
    "UserError",
    "redact",
]


class ActionError(Exception):
    """Root of everything an adapter raises on purpose."""

    def __init__(self, message: str, *, system: str = "", request_id: str | None = None) -> None:
        self.message = message
        self.system = system
        self.request_id = request_id
        super().__init__(message)

    @property
    def may_have_left(self) -> bool:
        """A write this failure interrupted may have reached the remote: re-read, never send it again."""
        return False

    def __str__(self) -> str:
        return with_request_id(self.message, self.request_id)


class ConfigError(ActionError):
    """Raised when settings are missing or invalid (a shop domain that is not *.myshopify.com, ...)."""


class InputError(ActionError):
    """Raised when what the user typed cannot be an order, ticket or supplier reference."""


class TransportError(ActionError):
    """Raised when the remote system could not be reached or did not answer in time."""

    def __init__(self, message: str, *, system: str = "", timeout: bool = False, request_id: str | None = None) -> None:
        super().__init__(message, system=system, request_id=request_id)
        self.timeout = timeout

    @property
    def may_have_left(self) -> bool:
        return True  # the connection was made: it may have failed after the request left


class NotSent(TransportError):
    """Raised when the connection was never made: the request did not leave this machine."""

    @property
    def may_have_left(self) -> bool:
        return False


class ApiError(ActionError):
    """Raised when a remote API answered with an error; carries its status and code."""

    def __init__(
        self,
        message: str,
        *,
        system: str = "",
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, system=system, request_id=request_id)
        self.status = status
        self.code = code


class AuthenticationError(ApiError):
    """Raised on 401 or an invalid token: the credentials are wrong or revoked."""


class PaymentRequiredError(ApiError):
    """Raised on 402: the shop is frozen until its owner pays Shopify."""


class PermissionDenied(ApiError):
    """Raised on 403 or a missing access scope / staff permission."""


class NotFoundError(ApiError):
    """Raised when the order (or supplier order) does not exist for these credentials."""


class LockedError(ApiError):
    """Raised on 423: the shop is locked."""


class RateLimited(ApiError):
    """Raised when throttling outlasted our patience; `retry_after` says how long to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(ApiError):
    """Raised on a 5xx or a remote 'service unavailable' after the retries allowed."""

    @property
    def may_have_left(self) -> bool:
        return True  # the server may have acted before it failed


class MalformedResponse(ApiError):
    """Raised when a response is not what the API documents (bad JSON, missing fields)."""

    @property
    def may_have_left(self) -> bool:
        return True  # something answered: the request arrived


class GraphQLError(ApiError):
    """Raised when Shopify returns top-level GraphQL `errors` (syntax, validation, access)."""


class UserError(ApiError):
    """Raised when a mutation answers with user errors; `errors` keeps their codes."""

    def __init__(self, message: str, *, errors: tuple[tuple[str | None, str], ...] = (), **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.errors = errors  # (code, message) pairs


class AmbiguousWrite(ActionError):
    """Raised when a mutation may or may not have run (timeout, 5xx, dropped connection, bad body)."""

    def __init__(self, message: str, *, cause: ActionError, system: str = "shopify",
                 request_id: str | None = None) -> None:
        super().__init__(message, system=system, request_id=request_id)
        self.cause = cause

    @property
    def may_have_left(self) -> bool:
        return True


class AlreadyDone(ActionError):
    """Raised when the thing asked for is already done (cancelled order, claimed action)."""


class Refused(ActionError):
    """Raised when the order's path does not allow the action asked for."""


class SupplierRefused(Refused):
    """Raised when a supplier order cannot be cancelled from here; `url` opens it on the supplier's site."""

    def __init__(self, message: str, *, system: str = "", url: str | None = None, request_id: str | None = None) -> None:
        super().__init__(message, system=system, request_id=request_id)
        self.url = url


class OutcomeUnknown(ActionError):
    """Raised when a write's result could not be established, even after re-reading."""

    @property
    def may_have_left(self) -> bool:
        return True


class StoreError(ActionError):
    """Raised when the activity store cannot be opened or written (corrupt, locked, read-only)."""


def redact(text: str, secrets: Iterable[str | None], *, limit: int | None = None) -> str:
    """`text` with every secret (and anything shaped like a Shopify token) masked, then cut to `limit`.

    Masking comes first, always: cutting first could split a secret and leave its first part
    readable. A secret is also found in the forms an echo may carry it in (JSON- or URL-escaped).
    """
    forms = {form for secret in secrets if secret and len(secret) >= _MIN_SECRET for form in _forms(secret)}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, MASK)
    text = _TOKEN_SHAPE.sub(MASK, text)
    return text if limit is None else text[: max(0, limit)]


MASK = "[redacted]"
_MIN_SECRET = 4
_TOKEN_SHAPE = re.compile(r"shp(?:at|ca|pa|ss|ua)_[A-Za-z0-9]+")


def _forms(secret: str) -> set[str]:
    """The secret as sent, and as JSON or a URL would escape it."""
    escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
    forms = {secret, escaped, escaped.replace("/", "\\/"), quote(secret, safe=""), quote_plus(secret)}
    return {form for form in forms if len(form) >= _MIN_SECRET}
