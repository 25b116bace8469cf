"""The supplier registry: per supplier, everything the app needs to reach it, next to what the rules know.

One entry per supplier: the rules' entry (`kb.suppliers.SUPPLIERS`: title, id patterns, order URL,
status map, cancel channels), its settings model with the `secrets.toml` section and environment
variables, its client factory, and the system its sandbox simulator answers as. The settings
loader, the assistant, the CLI and the sandbox read this table instead of naming suppliers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import httpx
from pydantic import BaseModel

from actions.aliexpress import AliExpressClient
from actions.cjdropshipping import CJClient
from actions.settings import AliExpressSettings, CJSettings
from actions.suppliers import SupplierClient
from kb.state import SupplierName
from kb.suppliers import SUPPLIERS, SupplierRules

__all__ = ["SUPPLIER_ADAPTERS", "SupplierAdapter"]

Sleep = Callable[[float], None]


@dataclass(frozen=True, eq=False)
class SupplierAdapter:
    """How the app reaches one supplier (the rules' side is `rules`)."""

    rules: SupplierRules
    settings_model: type[BaseModel]  # the AppSettings field named after the supplier holds one
    env: Mapping[str, str]  # settings field -> environment variable
    required: tuple[str, ...]  # fields that, set, mean "configured"
    client: Callable[[httpx.Client, Any, Sleep], SupplierClient]  # (http, its settings, sleep)
    sandbox_system: str  # the simulated system that answers for it (fault rules name it too)

    @property
    def name(self) -> SupplierName:
        return self.rules.name


SUPPLIER_ADAPTERS: Mapping[SupplierName, SupplierAdapter] = MappingProxyType({
    "aliexpress": SupplierAdapter(
        rules=SUPPLIERS["aliexpress"],
        settings_model=AliExpressSettings,
        env=MappingProxyType({"app_key": "ALIEXPRESS_APP_KEY", "app_secret": "ALIEXPRESS_APP_SECRET",
                              "access_token": "ALIEXPRESS_ACCESS_TOKEN", "api_base_url": "ALIEXPRESS_API_BASE_URL"}),
        required=("app_key", "app_secret"),
        client=lambda http, settings, sleep: AliExpressClient(http, settings, sleep=sleep),
        sandbox_system="aliexpress",
    ),
    "cjdropshipping": SupplierAdapter(
        rules=SUPPLIERS["cjdropshipping"],
        settings_model=CJSettings,
        env=MappingProxyType({"api_key": "CJ_API_KEY", "api_base_url": "CJ_API_BASE_URL"}),
        required=("api_key",),
        client=lambda http, settings, sleep: CJClient(http, settings, sleep=sleep),
        sandbox_system="cj",
    ),
})
