"""The `kb` package exposes its public surface in one place and stays free of I/O libraries."""

from __future__ import annotations

import subprocess
import sys

import kb
import kb.guide
import kb.order_ref
import kb.paths


def test_the_package_exposes_the_rules_the_guides_and_the_order_reference_parser():
    assert kb.decide is kb.paths.decide
    assert kb.load_guide is kb.guide.load_guide
    assert kb.parse_order_ref is kb.order_ref.parse_order_ref
    assert {"decide", "load_guide", "parse_guide", "Guide", "parse_order_ref", "OrderState", "Walkthrough"} <= set(
        kb.__all__)


def test_every_public_name_resolves_once():
    assert len(kb.__all__) == len(set(kb.__all__))
    assert [name for name in kb.__all__ if not hasattr(kb, name)] == []


def test_importing_the_domain_pulls_in_no_network_or_ui_library():
    code = "import sys, kb; print(sorted({'httpx', 'streamlit'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
