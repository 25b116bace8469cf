"""What a check of the Shopify connection found (`actions.assistant.Assistant.connection`)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["connected"]


def connected(shop_name: str, shop_domain: str, api_version: str, missing_scopes: Sequence[str], *,
              requested_version: str | None = None, built_for: str = "") -> str:
    """Connected, and whether the app lacks any of the scopes it needs, or asked for a version Shopify no
    longer serves (then what to do about it)."""
    if requested_version not in (None, api_version):
        return (f"Connected to {shop_name} ({shop_domain}), but Shopify no longer serves API version "
                f"{requested_version}: it answered with {api_version}, which this app was not built for. "
                f"Set api_version to {built_for} (or remove it: that is the default), then press Check again.")
    if missing_scopes:
        return (f"Connected to {shop_name} ({shop_domain}), but the app lacks the scopes: {', '.join(missing_scopes)}. "
                "Reading or cancelling an order fails until it has them: grant them to the app in the Shopify admin, "
                "where its access token was made (its Admin API access scopes), then press Check again.")
    return f"Connected to {shop_name} ({shop_domain}), API {api_version}."
