"""What a check of the Shopify connection found (`actions.assistant.Assistant.connection`)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["connected"]


def connected(shop_name: str, shop_domain: str, api_version: str, missing_scopes: Sequence[str]) -> str:
    """Connected, and whether the app lacks any of the scopes it needs (then what to do about it)."""
    if missing_scopes:
        return (f"Connected to {shop_name} ({shop_domain}), but the app lacks the scopes: {', '.join(missing_scopes)}. "
                "Reading or cancelling an order fails until it has them: grant them to the app in the Shopify admin, "
                "where its access token was made (its Admin API access scopes), then press Check again.")
    return f"Connected to {shop_name} ({shop_domain}), API {api_version}."
