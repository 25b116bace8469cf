"""Every sentence a merchant reads about an order, apart from the rules that choose it.

- `options`: the cancel's options (refund timing, cancel reasons) and the fulfillment-order actions, one map
  per concept for every caller (kb, actions, pages, replies).
- `common`: how a status, an order, a fulfillment order or an oddity is named in a sentence.
- `steps`: per step situation (`kb.steps.Reason`), the step's reason.
- `paths`: per path its title, citation, explanation and "blocked because".
- `warnings`: what the walkthrough warns about.

Changing a sentence touches only this package; the rules never read a word of it.
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
