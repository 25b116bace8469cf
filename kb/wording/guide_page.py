"""Words of the Guide page (`pages/guide.py`) around a guide's own text: what kind each step is, the progress."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["GUIDE", "RESET", "STEP_KIND_WORDS", "broken_guide_words", "steps_done"]

GUIDE = "Guide"  # the guide picker's label
RESET = "Reset"

# Per step kind (`kb.guide.Step.kind`), the caption under the step.
STEP_KIND_WORDS: Mapping[str, str] = MappingProxyType({
    "action": "Action · the walkthrough can do this with a button",
    "manual": "Do by hand",
    "note": "Read",
})


def steps_done(done: int, total: int) -> str:
    return f"{done}/{total} steps done"


def broken_guide_words(problem: str) -> str:
    """A guide file that cannot be read (`problem`: where, as the page shows it)."""
    return f"This guide cannot be shown: {problem}"
