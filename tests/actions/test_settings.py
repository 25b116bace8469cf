"""Settings: the token only ever goes to `<name>.myshopify.com`, and is never shown."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from actions.errors import ConfigError
from actions.settings import DEFAULT_API_VERSION, ShopifySettings, load_settings, normalize_shop_domain

TOKEN = "shpat_0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("typed", "shop"),
    [
        ("cancel-assist-demo.myshopify.com", "cancel-assist-demo.myshopify.com"),
        ("  Cancel-Assist-Demo.MyShopify.com ", "cancel-assist-demo.myshopify.com"),
        ("https://cancel-assist-demo.myshopify.com", "cancel-assist-demo.myshopify.com"),
        ("https://cancel-assist-demo.myshopify.com/", "cancel-assist-demo.myshopify.com"),
    ],
)
def test_a_shop_domain_is_read_in_the_forms_merchants_paste(typed: str, shop: str) -> None:
    assert normalize_shop_domain(typed) == shop


@pytest.mark.parametrize(
    "typed",
    [
        "evil.com",
        "x.myshopify.com.evil.com",
        "myshopify.com",
        ".myshopify.com",
        "x.myshopify.com.",
        "https://evil.com",
        "https://x.myshopify.com.evil.com/",
        "127.0.0.1",
        "https://127.0.0.1",
        "https://[::1]",
        "x.myshopify.com:8443",
        "https://x.myshopify.com:8443",
        "https://x.myshopify.com:0",
        "https://x.myshopify.com:443",
        "https://user:pw@x.myshopify.com",
        "https://evil.com@x.myshopify.com",
        "https://x.myshopify.com@evil.com",
        "https://x.myshopify.com/admin",
        "https://x.myshopify.com?next=evil.com",
        "https://x.myshopify.com#evil.com",
        "ftp://x.myshopify.com",
        "x.myshopify.com/../evil.com",
        "-x.myshopify.com",
        "x_y.myshopify.com",
        "",
    ],
)
def test_anything_but_a_myshopify_domain_is_rejected(typed: str) -> None:
    with pytest.raises(ValueError):
        normalize_shop_domain(typed)


def test_settings_default_to_the_2026_04_api_and_the_shops_own_endpoint() -> None:
    settings = ShopifySettings(shop="cancel-assist-demo.myshopify.com", access_token=TOKEN)
    assert settings.api_version == DEFAULT_API_VERSION == "2026-04"
    assert settings.graphql_url == "https://cancel-assist-demo.myshopify.com/admin/api/2026-04/graphql.json"
    assert settings.admin_url == "https://admin.shopify.com/store/cancel-assist-demo"
    assert settings.supplier_note_attributes == ("AliExpress Order", "aliexpress_order_id")


def test_another_endpoint_is_used_only_when_set_explicitly() -> None:
    settings = ShopifySettings(shop="cancel-assist-demo.myshopify.com", access_token=TOKEN,
                               api_base_url="http://127.0.0.1:8765/")
    assert settings.graphql_url == "http://127.0.0.1:8765/admin/api/2026-04/graphql.json"


@pytest.mark.parametrize("base", ["ftp://proxy.local", "https://user:pw@proxy.local", "proxy.local"])
def test_an_api_base_url_must_be_a_plain_http_url(base: str) -> None:
    with pytest.raises(ValidationError):
        ShopifySettings(shop="cancel-assist-demo.myshopify.com", access_token=TOKEN, api_base_url=base)


@pytest.mark.parametrize("version", ["2026-04", "2025-10", "unstable"])
def test_api_versions_are_quarterly_names(version: str) -> None:
    assert ShopifySettings(shop="a.myshopify.com", access_token=TOKEN, api_version=version).api_version == version


@pytest.mark.parametrize("version", ["2026-05", "latest", "2026-04/../../x", ""])
def test_other_api_versions_are_rejected(version: str) -> None:
    with pytest.raises(ValidationError):
        ShopifySettings(shop="a.myshopify.com", access_token=TOKEN, api_version=version)


def test_the_token_is_never_in_repr_str_or_a_dump() -> None:
    settings = ShopifySettings(shop="cancel-assist-demo.myshopify.com", access_token=TOKEN)
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)
    assert TOKEN not in str(settings.model_dump())
    assert TOKEN not in settings.model_dump_json()
    assert settings.access_token.get_secret_value() == TOKEN


def test_an_invalid_shop_with_a_token_is_a_config_error_without_the_token() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"shopify": {"shop": "x.myshopify.com.evil.com", "access_token": TOKEN}})
    assert "shop" in str(caught.value)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_token_typed_into_the_version_field_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"shopify": {"shop": "a.myshopify.com", "access_token": TOKEN, "api_version": TOKEN}})
    assert TOKEN not in str(caught.value)


def test_environment_variables_win_over_the_secrets_file() -> None:
    settings = load_settings(
        {"shopify": {"shop": "file-shop.myshopify.com", "access_token": "shpat_fromfile"}},
        {"SHOPIFY_SHOP": "env-shop.myshopify.com", "SHOPIFY_ACCESS_TOKEN": TOKEN},
    )
    assert settings.shopify is not None
    assert settings.shopify.shop == "env-shop.myshopify.com"
    assert settings.mode == "live"
    assert settings.secrets() == (TOKEN,)


def test_no_credentials_means_the_sandbox() -> None:
    assert load_settings({}, {}).mode == "sandbox"


def test_note_attribute_names_can_be_listed_with_commas() -> None:
    settings = load_settings({"shopify": {"shop": "a.myshopify.com", "access_token": TOKEN,
                                          "supplier_note_attributes": "AE order, Supplier ref ,"}})
    assert settings.shopify is not None
    assert settings.shopify.supplier_note_attributes == ("AE order", "Supplier ref")


@pytest.mark.parametrize("base", ["http://proxy.example.com", "http://10.0.0.5:8080", "ftp://proxy.example.com"])
def test_an_api_base_url_that_would_send_the_token_in_clear_text_is_refused(base: str) -> None:
    with pytest.raises(ConfigError, match="api_base_url: an API base URL must"):
        load_settings({"shopify": {"shop": "demo.myshopify.com", "access_token": "shpat_abcdef", "api_base_url": base}})


def test_the_settings_fingerprint_tells_tokens_apart_without_holding_them() -> None:
    one = load_settings({"shopify": {"shop": "demo.myshopify.com", "access_token": "shpat_first_token"}})
    same = load_settings({"shopify": {"shop": "demo.myshopify.com", "access_token": "shpat_first_token"}})
    other = load_settings({"shopify": {"shop": "demo.myshopify.com", "access_token": "shpat_other_token"}})
    assert one.fingerprint() == same.fingerprint() != other.fingerprint()
    assert "shpat_first_token" not in one.fingerprint()


def test_a_database_url_names_the_shared_store_and_is_kept_secret() -> None:
    from actions.settings import load_settings

    url = "postgresql://agent:pw-secret-9@db.internal:5432/cancel"
    settings = load_settings({}, {"CANCEL_ASSIST_DATABASE_URL": url})
    assert settings.activity_location == url and settings.activity_namespace == "cancel_assist_sandbox"
    assert "pw-secret-9" not in repr(settings) and "pw-secret-9" in settings.secrets()
    from_file = load_settings({"cancel_assist": {"database_url": url}}, {})
    assert from_file.database_url is not None and from_file.database_url.get_secret_value() == url
    assert load_settings({}, {}).activity_location == load_settings({}, {}).activity_path  # SQLite by default


def test_a_database_url_that_is_not_postgresql_is_refused_without_echoing_it() -> None:
    import pytest as _pytest

    from actions.errors import ConfigError
    from actions.settings import load_settings

    with _pytest.raises(ConfigError) as err:
        load_settings({}, {"CANCEL_ASSIST_DATABASE_URL": "mysql://u:pw-secret-9@h/db"})
    assert "database_url" in str(err.value) and "pw-secret-9" not in str(err.value)


@pytest.mark.parametrize("url", ["postgresql://u:pw-secret-9@db.internal:99999/cancel",
                                 "postgresql://u:pw-secret-9@[::1/cancel",
                                 "postgresql://u:pw-secret-9@db.internal:port/cancel"])
def test_a_database_url_with_a_port_or_host_that_cannot_be_read_is_a_config_error_not_a_crash(url: str) -> None:
    """A port out of range or a broken IPv6 host passed the check, then crashed every start (ValueError)."""
    from actions.errors import ConfigError
    from actions.settings import load_settings

    with pytest.raises(ConfigError) as err:
        load_settings({}, {"CANCEL_ASSIST_DATABASE_URL": url})
    assert "database_url" in str(err.value) and "pw-secret-9" not in str(err.value)


def test_a_token_pasted_with_a_line_break_or_spaces_around_it_is_used_without_them() -> None:
    settings = load_settings({}, {
        "SHOPIFY_SHOP": "a.myshopify.com", "SHOPIFY_ACCESS_TOKEN": f"  {TOKEN}\n",
        "ALIEXPRESS_APP_KEY": " 500123\n", "ALIEXPRESS_APP_SECRET": "secret-value\n",
        "ALIEXPRESS_ACCESS_TOKEN": "\tsession-value ", "CJ_API_KEY": "CJ123@api@key-value\r\n",
    })
    assert settings.shopify is not None and settings.aliexpress is not None and settings.cjdropshipping is not None
    assert settings.shopify.access_token.get_secret_value() == TOKEN
    assert settings.aliexpress.app_key == "500123"
    assert settings.secrets() == (TOKEN, "secret-value", "session-value", "CJ123@api@key-value")


@pytest.mark.parametrize("pasted", [f'"{TOKEN}"', f"'{TOKEN}'", f"Bearer {TOKEN}", f"{TOKEN}\n{TOKEN}", "   "])
def test_a_token_in_quotes_or_after_bearer_is_refused_in_words_without_echoing_it(pasted: str) -> None:
    # Shopify would answer 401, which reads as a wrong or revoked token although the token is right.
    with pytest.raises(ConfigError) as caught:
        load_settings({"shopify": {"shop": "a.myshopify.com", "access_token": pasted}})
    message = str(caught.value)
    assert message.startswith("[shopify] settings are invalid: access_token: ")
    assert "quotes" in message or "empty" in message
    assert TOKEN not in message and TOKEN[6:] not in message


@pytest.mark.parametrize("section", ["aliexpress", "cjdropshipping"])
def test_a_supplier_key_in_quotes_is_refused_naming_the_setting(section: str) -> None:
    values = ({"app_key": "500123", "app_secret": '"s3cret-value"', "access_token": "session-value"}
              if section == "aliexpress" else {"api_key": '"CJ123@api@key-value"'})
    with pytest.raises(ConfigError) as caught:
        load_settings({section: values})
    assert str(caught.value).startswith(f"[{section}] settings are invalid: ")
    assert "s3cret-value" not in str(caught.value) and "key-value" not in str(caught.value)


def test_an_aliexpress_key_without_its_session_says_which_setting_and_what_it_is() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({}, {"ALIEXPRESS_APP_KEY": "500123", "ALIEXPRESS_APP_SECRET": "secret-value"})
    message = str(caught.value)
    assert "Field required" not in message
    assert "access_token is missing" in message and "ALIEXPRESS_ACCESS_TOKEN" in message
    assert "[aliexpress] access_token in .streamlit/secrets.toml" in message
    assert "authorize your app" in message and "check its orders by hand" in message
    assert "secret-value" not in message


def test_a_shop_without_a_token_says_where_the_token_goes_and_how_to_stay_on_the_sandbox() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"shopify": {"shop": "a.myshopify.com"}})
    message = str(caught.value)
    assert "Field required" not in message
    assert "access_token is missing" in message and "SHOPIFY_ACCESS_TOKEN" in message and "sandbox" in message


@pytest.mark.parametrize("typed", [
    "https://admin.shopify.com/store/cancel-assist-demo",
    "admin.shopify.com/store/cancel-assist-demo/orders/5551001",
    "https://cancel-assist-demo.myshopify.com/admin",
    "https://Cancel-Assist-Demo.myshopify.com/admin/orders?status=open",
])
def test_a_shopify_admin_address_as_the_shop_names_the_domain_to_set(typed: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"shopify": {"shop": typed, "access_token": TOKEN}})
    assert str(caught.value).endswith("set the shop to its domain alone: cancel-assist-demo.myshopify.com")
