"""What a merchant (or whoever runs the app) is told about settings that cannot be used (`actions.settings`,
`actions.access`, `actions.links`). The checks decide what is wrong; these only word it."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "ALLOWED_USERS_LIST",
    "API_VERSION_SHAPE",
    "APP_NOT_A_SECTION",
    "BASE_URL_CONTROL_CHARACTERS",
    "BASE_URL_CREDENTIALS",
    "BASE_URL_HTTPS",
    "BASE_URL_HTTP",
    "BASE_URL_INVALID",
    "DATABASE_URL_SHAPE",
    "LINK_BASE_CREDENTIALS",
    "LINK_BASE_URL",
    "NOT_LOCAL",
    "REPLY_DELAY_RANGE",
    "SECRET_EMPTY",
    "SECRET_SHAPE",
    "SETTING_HINTS",
    "WITHOUT_SECTION",
    "WITHOUT_SUPPLIER_API",
    "SHOP_HOST_ONLY",
    "TOML_TYPES",
    "app_setting",
    "database_url_invalid",
    "missing_setting",
    "not_a_section",
    "not_a_ticket",
    "not_an_address",
    "section_invalid",
    "shop_from_admin_address",
    "shop_shape",
    "wrong_type",
]

# Live mode without sign-in, asked to serve beyond this computer (`actions.access`).
NOT_LOCAL = (
    "Live mode without sign-in serves only this computer: add an [auth] section (OpenID Connect) to "
    ".streamlit/secrets.toml and list your agents in [cancel_assist] allowed_users (see \"Run it for a team\" "
    "in the README), or serve on localhost."
)
ALLOWED_USERS_LIST = "allowed_users is a list of e-mail addresses or @domains"

SHOP_HOST_ONLY = "the shop must be just <name>.myshopify.com (no user, port or path)"
BASE_URL_CONTROL_CHARACTERS = "an API base URL must not contain spaces, tabs or other control characters"
BASE_URL_INVALID = "an API base URL must be a valid http(s) URL"
BASE_URL_HTTP = "an API base URL must be an http(s) URL"
BASE_URL_HTTPS = "an API base URL must use https (plain http only for localhost)"
BASE_URL_CREDENTIALS = "an API base URL must not carry a user name or password"
SECRET_SHAPE = ("it must be the key or token alone, as the app's settings show it: no quotes, spaces, "
                "line breaks or 'Bearer ' around or inside it")
SECRET_EMPTY = "it is empty"
API_VERSION_SHAPE = "the API version looks like 2026-04"
DATABASE_URL_SHAPE = "the database URL looks like postgresql://user:password@host:5432/cancel_assist"
APP_NOT_A_SECTION = "[cancel_assist] in secrets.toml must be a section (a table)"
REPLY_DELAY_RANGE = "CANCEL_ASSIST_SANDBOX_REPLY_DELAY must be a number of seconds from 0 to 86400"

# The app's link base URL (`actions.links`).
LINK_BASE_URL = "the base URL must be an http(s) address such as http://localhost:8501"
LINK_BASE_CREDENTIALS = "the base URL must not carry a user name or password"

# What a `[cancel_assist]` value must be, by the type it is read as (the keys are the checks' own types).
TOML_TYPES: Mapping[object, str] = MappingProxyType(
    {str: "text in quotes", bool | str: "true or false", int | float | str: "a number of seconds"})


# What a required setting holds, where a merchant is likely not to know (keyed by section, field).
SETTING_HINTS: Mapping[tuple[str, str], str] = MappingProxyType({
    ("shopify", "shop"): "your-store.myshopify.com",
    ("shopify", "access_token"): "the Admin API access token of your app",
    ("aliexpress", "app_key"): "your AliExpress Open Platform app's key",
    ("aliexpress", "app_secret"): "your AliExpress Open Platform app's secret",
    ("aliexpress", "access_token"): "the session token AliExpress gives when you authorize your app for your account",
    ("cjdropshipping", "api_key"): "your CJ Dropshipping API key",
})
# What leaving a section out means: no shop is the sandbox; no supplier API is a check by hand.
WITHOUT_SECTION: Mapping[str, str] = MappingProxyType({"shopify": "to run on the sandbox"})
WITHOUT_SUPPLIER_API = "to check its orders by hand"


def missing_setting(section: str, field: str, variable: str | None) -> str:
    """A required setting left out, with where to set it; the way back is to remove the section (no API)."""
    hint = SETTING_HINTS.get((section, field))
    where = f"[{section}] {field} in .streamlit/secrets.toml" + (f" or {variable}" if variable else "")
    return (f"{field} is missing" + (f" ({hint})" if hint else "") + f": set {where}, "
            f"or remove the other [{section}] settings {WITHOUT_SECTION.get(section, WITHOUT_SUPPLIER_API)}")


def not_an_address(entry: str) -> str:
    return f"allowed_users entry {entry[:80]!r} is not an e-mail address or an @domain"


def shop_from_admin_address(domain: str) -> str:
    """A Shopify admin address typed as the shop: the domain it stands for."""
    return f"that is an address in the Shopify admin; set the shop to its domain alone: {domain}"


def shop_shape(value: str) -> str:
    return f"the shop must look like your-store.myshopify.com, not {value[:80]!r}"


def not_a_section(name: str) -> str:
    return f"[{name}] in secrets.toml must be a section (a table)"


def section_invalid(name: str, problems: str) -> str:
    return f"[{name}] settings are invalid: {problems}"


def wrong_type(name: str, expected: str, found: str) -> str:
    return f"[cancel_assist] {name} in secrets.toml must be {expected}, not a {found}"


def database_url_invalid(problem: object) -> str:
    return f"[cancel_assist] database_url is invalid: {problem}"


def app_setting(problem: object) -> str:
    """A `[cancel_assist]` problem that names its own setting."""
    return f"[cancel_assist] {problem}"


def not_a_ticket(shown: str) -> str:
    return f"{shown!r} is not a ticket id: use up to 64 letters, digits and . _ # : - (for example ZD-42)"
