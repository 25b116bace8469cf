"""Settings read from `.streamlit/secrets.toml` sections and the environment (environment wins).

No Shopify credentials -> the sandbox. Secrets are `SecretStr`: printing a settings object,
or an error about one, never shows a token.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from actions.access import parse_allowed_users
from actions.errors import ConfigError
from kb.discovery import SupplierPattern, parse_supplier_patterns
from kb.wording import settings_errors as say

__all__ = [
    "DEFAULT_API_VERSION",
    "AliExpressSettings",
    "AppSettings",
    "CJSettings",
    "ShopifySettings",
    "check_database_url",
    "load_settings",
    "normalize_shop_domain",
]

DEFAULT_API_VERSION = "2026-04"
DEFAULT_NOTE_ATTRIBUTES = ("AliExpress Order", "aliexpress_order_id")
_SHOP = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}\.myshopify\.com$")
_LOOPBACK = ("localhost", "127.0.0.1", "::1")
# admin.shopify.com/store/<name>/... or <name>.myshopify.com/admin/..., with or without https://
_ADMIN_ADDRESS = re.compile(r"(?:https?://)?(?:admin\.shopify\.com/store/(?P<name>[a-z0-9][a-z0-9-]{0,59})"
                            r"|(?P<host>[a-z0-9][a-z0-9-]{0,59})\.myshopify\.com/admin)(?:[/?#].*)?")
_VERSION = re.compile(r"^(\d{4}-(01|04|07|10)|unstable)$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


def normalize_shop_domain(value: str) -> str:
    """Return `<name>.myshopify.com` or raise ValueError: tokens go to Shopify's hosts only."""
    text = value.strip().lower()
    admin = _ADMIN_ADDRESS.fullmatch(text)
    if admin:  # the admin's address bar, pasted: name the domain it stands for rather than refuse it blankly
        raise ValueError(say.shop_from_admin_address(f"{admin['name'] or admin['host']}.myshopify.com"))
    if text.startswith(("https://", "http://")):
        parts = urlsplit(text)
        # `port is not None`: ":0" is falsy but still a port; a fragment is refused like a query.
        if (
            parts.username
            or parts.password
            or parts.port is not None
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
        ):
            raise ValueError(say.SHOP_HOST_ONLY)
        text = parts.hostname or ""
    if not _SHOP.fullmatch(text):
        raise ValueError(say.shop_shape(value))
    return text


def _check_secret(value: SecretStr) -> SecretStr:
    """A secret as pasted, without the spaces or line break around it; ValueError (never echoing it) if still unusable.

    A trailing newline (a token read from a file) reached httpx as an illegal header value; quotes kept by an
    env file, or "Bearer " before the token, reached Shopify and read as a revoked token.
    """
    text = value.get_secret_value().strip()
    if not text:
        raise ValueError(say.SECRET_EMPTY)
    if any(ch.isspace() or not ch.isprintable() or ch in "\"'" for ch in text):
        raise ValueError(say.SECRET_SHAPE)
    return SecretStr(text)


def _check_base_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        # urlsplit drops tabs and newlines silently, and httpx then refuses the URL at the first request
        raise ValueError(say.BASE_URL_CONTROL_CHARACTERS)
    try:
        parts = urlsplit(text)
        host, _ = parts.hostname, parts.port  # both raise ValueError on a malformed host or port
        httpx.URL(text)
    except (ValueError, httpx.InvalidURL):
        raise ValueError(say.BASE_URL_INVALID) from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(say.BASE_URL_HTTP)
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        # the token travels in a header: plain http only to a proxy on this machine
        raise ValueError(say.BASE_URL_HTTPS)
    if parts.username or parts.password:
        raise ValueError(say.BASE_URL_CREDENTIALS)
    return value.strip().rstrip("/")


class ShopifySettings(_Frozen):
    """A live shop: domain, Admin API token and version."""

    shop: str
    access_token: SecretStr = Field(min_length=1)
    api_version: str = DEFAULT_API_VERSION
    api_base_url: str | None = None  # explicit opt-in, for proxies and tests
    supplier_note_attributes: tuple[str, ...] = DEFAULT_NOTE_ATTRIBUTES
    supplier_patterns: tuple[SupplierPattern, ...] = ()  # on top of kb.discovery.SHAPES

    @field_validator("shop")
    @classmethod
    def _shop(cls, value: str) -> str:
        return normalize_shop_domain(value)

    @field_validator("access_token")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
        return _check_secret(value)

    @field_validator("api_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _VERSION.fullmatch(value.strip()):
            raise ValueError(say.API_VERSION_SHAPE)
        return value.strip()

    @field_validator("api_base_url")
    @classmethod
    def _base(cls, value: str | None) -> str | None:
        return _check_base_url(value)

    @field_validator("supplier_patterns", mode="before")
    @classmethod
    def _patterns(cls, value: Any) -> Any:
        return parse_supplier_patterns(value)

    @property
    def graphql_url(self) -> str:
        base = self.api_base_url or f"https://{self.shop}"
        return f"{base}/admin/api/{self.api_version}/graphql.json"

    @property
    def admin_url(self) -> str:
        return f"https://admin.shopify.com/store/{self.shop.removesuffix('.myshopify.com')}"


class AliExpressSettings(_Frozen):
    """AliExpress Open Platform app (dropshipper API)."""

    app_key: str = Field(min_length=1)
    app_secret: SecretStr = Field(min_length=1)
    access_token: SecretStr = Field(min_length=1)
    api_base_url: str = "https://api-sg.aliexpress.com"

    @field_validator("app_key")
    @classmethod
    def _key(cls, value: str) -> str:
        return _check_secret(SecretStr(value)).get_secret_value()

    @field_validator("app_secret", "access_token")
    @classmethod
    def _secret(cls, value: SecretStr) -> SecretStr:
        return _check_secret(value)

    @field_validator("api_base_url")
    @classmethod
    def _base(cls, value: str) -> str:
        return _check_base_url(value) or "https://api-sg.aliexpress.com"


class CJSettings(_Frozen):
    """CJ Dropshipping API 2.0 key."""

    api_key: SecretStr = Field(min_length=1)
    api_base_url: str = "https://developers.cjdropshipping.com/api2.0/v1"

    @field_validator("api_key")
    @classmethod
    def _key(cls, value: SecretStr) -> SecretStr:
        return _check_secret(value)

    @field_validator("api_base_url")
    @classmethod
    def _base(cls, value: str) -> str:
        return _check_base_url(value) or "https://developers.cjdropshipping.com/api2.0/v1"


def check_database_url(text: str) -> str:
    """A PostgreSQL URL whose host, port and database can be read, stripped; else ValueError (never echoing it)."""
    text = text.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a port out of range or not a number raises only when read
    except ValueError:
        raise ValueError(say.DATABASE_URL_SHAPE) from None
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise ValueError(say.DATABASE_URL_SHAPE)
    return text


def _check_database_url(value: SecretStr | None) -> SecretStr | None:
    if value is None or not value.get_secret_value().strip():
        return None
    return SecretStr(check_database_url(value.get_secret_value()))


class AppSettings(_Frozen):
    """Everything the app and the CLI are configured with."""

    shopify: ShopifySettings | None = None
    aliexpress: AliExpressSettings | None = None
    cjdropshipping: CJSettings | None = None
    data_dir: Path = Path(".data")
    force_sandbox: bool = False
    sandbox_persist: bool = False
    sandbox_faults: str = ""  # e.g. "shopify:throttled,aliexpress:5xx" (see actions.sandbox)
    # A team's shared store (PostgreSQL); None keeps the record in a SQLite file under data_dir.
    database_url: SecretStr | None = None
    # Sign-in: `[auth]` present in secrets.toml (Streamlit's OpenID Connect), and who may use a live shop.
    auth_configured: bool = False
    allowed_users: tuple[str, ...] = ()

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_database_url(value)
    # Seconds the simulated fulfillment service and sellers take to answer (None: the sandbox's default).
    sandbox_reply_delay: float | None = Field(default=None, ge=0, le=86_400, allow_inf_nan=False)

    @property
    def mode(self) -> Literal["sandbox", "live"]:
        return "live" if self.shopify is not None and not self.force_sandbox else "sandbox"

    @property
    def activity_path(self) -> Path:
        """The activity log; the sandbox keeps its own, so demo actions never mix with a live shop's."""
        name = "cancel-assist.sqlite3" if self.mode == "live" else "cancel-assist-sandbox.sqlite3"
        return self.data_dir / name

    @property
    def activity_location(self) -> str | Path:
        """Where the record lives: the shared database when a URL is set, else the SQLite file."""
        return self.database_url.get_secret_value() if self.database_url else self.activity_path

    @property
    def activity_namespace(self) -> str | None:
        """In a shared database the sandbox keeps its own tables, so demo actions never mix with live ones."""
        return "cancel_assist_sandbox" if self.database_url and self.mode == "sandbox" else None

    def fingerprint(self) -> str:
        """A digest of every setting, secrets included: a cache key that never holds a secret."""
        public = self.model_dump_json()  # SecretStr dumps masked, so add the secrets' own digest
        return hashlib.sha256("\0".join((public, *self.secrets())).encode()).hexdigest()

    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for redaction of anything that leaves the process."""
        values: list[SecretStr] = []
        if self.shopify:
            values.append(self.shopify.access_token)
        if self.aliexpress:
            values += [self.aliexpress.app_secret, self.aliexpress.access_token]
        if self.cjdropshipping:
            values.append(self.cjdropshipping.api_key)
        if self.database_url:
            values.append(self.database_url)
            password = urlsplit(self.database_url.get_secret_value()).password
            if password:
                values.append(SecretStr(password))
        return tuple(v.get_secret_value() for v in values if v.get_secret_value())


_ENV = {
    "shopify": {
        "shop": "SHOPIFY_SHOP",
        "access_token": "SHOPIFY_ACCESS_TOKEN",
        "api_version": "SHOPIFY_API_VERSION",
        "api_base_url": "SHOPIFY_API_BASE_URL",
        "supplier_patterns": "SHOPIFY_SUPPLIER_PATTERNS",
    },
}  # each supplier's variables are in its registry entry (actions.supplier_registry)
_TRUE = {"1", "true", "yes", "on"}


def _section(secrets: Mapping[str, Any], env: Mapping[str, str], name: str,
             variables: Mapping[str, str] | None = None) -> dict[str, Any]:
    raw = secrets.get(name) or {}
    if not isinstance(raw, Mapping):
        raise ConfigError(say.not_a_section(name), system="settings")
    values = {k: v for k, v in raw.items() if v not in (None, "")}
    for field, var in (variables if variables is not None else _ENV[name]).items():
        if env.get(var):
            values[field] = env[var]
    return values


def _build(model: type[BaseModel], name: str, values: dict[str, Any], required: tuple[str, ...],
           variables: Mapping[str, str]) -> Any:
    if not any(values.get(k) for k in required):
        return None  # not configured at all
    try:
        return model.model_validate(values)
    except ValidationError as exc:  # never echo the input: it may hold a token
        problems = "; ".join(_problem(name, err, variables)
                             for err in exc.errors(include_input=False, include_url=False))
        raise ConfigError(say.section_invalid(name, problems), system="settings") from None


def _problem(name: str, err: Any, variables: Mapping[str, str]) -> str:
    """One validation error in words; a missing setting names where to set it ("Field required" said nothing)."""
    field = ".".join(str(p) for p in err["loc"])
    if err["type"] == "missing" and len(err["loc"]) == 1:
        return say.missing_setting(name, field, variables.get(field))
    return f"{field or name}: {err['msg'].removeprefix('Value error, ')}"


def _app_value(app: Mapping[str, Any], name: str, kind: Any) -> Any:
    """A `[cancel_assist]` value of the right type ("" when absent); ConfigError for a list, a table, a number."""
    value = app.get(name, "")
    if not isinstance(value, kind):
        raise ConfigError(say.wrong_type(name, say.TOML_TYPES[kind], _toml_type(value)), system="settings")
    return value


def _toml_type(value: object) -> str:
    if isinstance(value, Mapping):
        return "table"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, bool):
        return "true/false value"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def _suppliers(secrets: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """Each registered supplier's settings, from its `[section]` and its environment variables."""
    # Imported here: the registry imports the supplier clients, which import these settings models.
    from actions.supplier_registry import SUPPLIER_ADAPTERS

    return {name: _build(adapter.settings_model, name, _section(secrets, env, name, adapter.env), adapter.required,
                         adapter.env)
            for name, adapter in SUPPLIER_ADAPTERS.items()}


def load_settings(secrets: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> AppSettings:
    """Read settings from a secrets mapping (st.secrets) and the environment; raise ConfigError."""
    secrets = secrets or {}
    env = env if env is not None else {}
    shopify_values = _section(secrets, env, "shopify")
    attrs = shopify_values.get("supplier_note_attributes")
    if isinstance(attrs, str):
        shopify_values["supplier_note_attributes"] = tuple(a.strip() for a in attrs.split(",") if a.strip())
    app = secrets.get("cancel_assist") or {}
    if not isinstance(app, Mapping):
        raise ConfigError(say.APP_NOT_A_SECTION, system="settings")
    data_dir = env.get("CANCEL_ASSIST_DATA_DIR") or _app_value(app, "data_dir", str) or ".data"
    force = env.get("CANCEL_ASSIST_SANDBOX", str(_app_value(app, "sandbox", bool | str))).strip().lower() in _TRUE
    persist = env.get("CANCEL_ASSIST_SANDBOX_PERSIST",
                      str(_app_value(app, "sandbox_persist", bool | str))).strip().lower() in _TRUE
    faults = env.get("CANCEL_ASSIST_SANDBOX_FAULTS", str(_app_value(app, "sandbox_faults", str)))
    database_url = env.get("CANCEL_ASSIST_DATABASE_URL") or str(_app_value(app, "database_url", str) or "")
    try:
        checked_url = _check_database_url(SecretStr(database_url))
    except ValueError as exc:  # never echo the URL: it may hold a password
        raise ConfigError(say.database_url_invalid(exc), system="settings") from None
    try:
        allowed = parse_allowed_users(env.get("CANCEL_ASSIST_ALLOWED_USERS") or app.get("allowed_users"))
    except ValueError as exc:
        raise ConfigError(say.app_setting(exc), system="settings") from None
    delay_value = _app_value(app, "sandbox_reply_delay", int | float | str)
    delay_text = str(env.get("CANCEL_ASSIST_SANDBOX_REPLY_DELAY") or delay_value).strip()
    try:
        delay = float(delay_text) if delay_text else None
        if delay is not None and not 0 <= delay <= 86_400:
            raise ValueError
    except ValueError:
        raise ConfigError(say.REPLY_DELAY_RANGE, system="settings") from None
    return AppSettings(
        auth_configured=isinstance(secrets.get("auth"), Mapping) and bool(secrets.get("auth")),
        allowed_users=allowed,
        shopify=_build(ShopifySettings, "shopify", shopify_values, ("shop", "access_token"), _ENV["shopify"]),
        **_suppliers(secrets, env),
        data_dir=Path(str(data_dir)),
        force_sandbox=force,
        sandbox_persist=persist,
        sandbox_faults=faults,
        database_url=checked_url,
        sandbox_reply_delay=delay,
    )
