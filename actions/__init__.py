"""Adapters: Shopify and supplier clients over httpx, the sandbox, the activity store."""
