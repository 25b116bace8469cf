"""One registry entry per supplier wires it everywhere: settings, the assistant's clients, the CLI, the sandbox."""

from __future__ import annotations

from typing import get_args

import httpx

from actions.assistant import build_assistant
from actions.sandbox import Sandbox, _supplier
from actions.sandbox.transport import HOSTS
from actions.settings import AppSettings, load_settings
from actions.supplier_registry import SUPPLIER_ADAPTERS
from kb.state import SupplierName
from kb.suppliers import SUPPLIER_ALIASES, SUPPLIERS


def test_the_registry_has_one_entry_per_supplier_and_each_carries_the_rules_entry() -> None:
    assert list(SUPPLIER_ADAPTERS) == list(SUPPLIERS)
    assert set(SUPPLIER_ADAPTERS) == set(get_args(SupplierName))
    for name, adapter in SUPPLIER_ADAPTERS.items():
        assert adapter.rules is SUPPLIERS[name] and adapter.name == name
        assert adapter.settings_model in get_args(AppSettings.model_fields[name].annotation)


def test_settings_are_read_from_each_entrys_environment_variables() -> None:
    env = {var: "x1" if "URL" not in var else "" for adapter in SUPPLIER_ADAPTERS.values() for var in adapter.env.values()}
    settings = load_settings({}, env)
    for name, adapter in SUPPLIER_ADAPTERS.items():
        assert isinstance(getattr(settings, name), adapter.settings_model)
    assert all(getattr(load_settings({}, {}), name) is None for name in SUPPLIER_ADAPTERS)


def test_the_assistant_builds_each_entrys_client_and_the_sandbox_answers_for_it() -> None:
    assistant = build_assistant(AppSettings(), sandbox=Sandbox(), http=httpx.Client(transport=Sandbox().transport))
    assert {name: client.supplier for name, client in assistant.suppliers.items()} == {n: n for n in SUPPLIERS}
    systems = set(HOSTS.values())
    for alias, name in SUPPLIER_ALIASES.items():
        assert _supplier(alias) == SUPPLIER_ADAPTERS[name].sandbox_system in systems


def test_the_cli_offers_exactly_the_registered_suppliers() -> None:
    from actions.cli import _parser

    supplier = _parser()._subparsers._group_actions[0].choices["supplier"]  # type: ignore[union-attr]
    option = next(a for a in supplier._actions if "--supplier" in a.option_strings)
    assert list(option.choices) == list(SUPPLIERS)
