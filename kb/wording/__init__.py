"""Every sentence a merchant reads, apart from the rules, the I/O and the pages that choose it.

- `options`: the cancel's options (refund timing, cancel reasons) and the fulfillment-order actions, one map
  per concept for every caller (kb, actions, pages, replies).
- `common`: how a status, an order, a fulfillment order, an oddity or a dropshipping app's sign (`kb.discovery.AppSign`)
  is named in a sentence.
- `steps`: per step situation (`kb.steps.Reason`), the step's reason.
- `paths`: per path its title, citation, explanation and "blocked because".
- `warnings`: what the walkthrough warns about.
- `card`, `hand_check`, `followups`, `replies`, `preview`: the first screen's buttons, a status checked by hand, a
  followed order (and the check run), the customer reply, the cancel confirmation; `record`: the activity
  record's actions, outcomes and options; `order_ref`: an order reference that cannot be read; `suppliers`: why
  a supplier order cannot be cancelled (each supplier's own cancel sentences stay in its registry entry,
  `kb.suppliers`); `supplier_patterns`: why a merchant's own supplier id pattern stops the app
  (`kb.discovery.parse_supplier_patterns`).
- `assistant`, `connection`, `cli`: what an action did (or why not), the connection check, the CLI's output.
- `errors`, `shopify_errors`, `supplier_errors`, `store_errors`, `settings_errors`: what a failure says.
- The pages' own words, one module per page or panel: `frame` (the entry file: sign-in, page titles, mode
  banner), `walkthrough_page`, `supplier_check_panel`, `authorise_panel`, `activity_page`, `followups_page`,
  `connection_page`, `guide_page`. Constants, or small functions taking the values a page already decided and
  escaped; `tests/app/test_page_wording_apart.py` keeps the pages free of sentences of their own.

Changing a sentence touches only this package; the rules never read a word of it (the rules modules that refuse an
input raise its words). `tests/kb/test_rules_as_data.py` keeps every other module of `kb/` free of sentences but a
short allow-list, each entry with its reason.
"""

from __future__ import annotations

from kb.wording.options import (
    CANCEL_REASON_WORDS,
    CANCEL_REASONS,
    FO_ACTIONS,
    REFUND_DESTINATIONS,
    REFUND_TO_WORDS,
    REFUND_WORDS,
)

__all__ = ["CANCEL_REASONS", "CANCEL_REASON_WORDS", "FO_ACTIONS", "REFUND_DESTINATIONS", "REFUND_TO_WORDS",
           "REFUND_WORDS"]
