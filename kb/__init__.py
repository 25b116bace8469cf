"""The domain: guides, the vocabulary of order states, and the rules. Pure: no network, no UI.

The public surface, so callers need not know the module layout:

    from kb import decide, load_guide, parse_order_ref
"""

from __future__ import annotations

from kb.guide import Guide, GuideError, Section, Step, guide_names, link_guides, load_guide, parse_guide
from kb.order_ref import OrderRef, OrderRefError, parse_order_ref
from kb.paths import PATH_TITLES, decide, revert_action_for
from kb.state import *  # noqa: F401,F403
from kb.state import __all__ as _state_all
from kb.suppliers import (
    cancel_channel,
    normalize_aliexpress,
    normalize_cj,
    supplier_order_url,
    supplier_title,
)
from kb.walkthrough import *  # noqa: F401,F403
from kb.walkthrough import __all__ as _walkthrough_all

__all__ = [
    # the rules
    "PATH_TITLES",
    "decide",
    "revert_action_for",
    # the guides
    "Guide",
    "GuideError",
    "Section",
    "Step",
    "guide_names",
    "link_guides",
    "load_guide",
    "parse_guide",
    # what the merchant types
    "OrderRef",
    "OrderRefError",
    "parse_order_ref",
    # supplier statuses in one vocabulary
    "cancel_channel",
    "normalize_aliexpress",
    "normalize_cj",
    "supplier_order_url",
    "supplier_title",
    # the vocabulary and the decision's output
    *_state_all,
    *_walkthrough_all,
]
