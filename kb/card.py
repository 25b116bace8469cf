"""The first screen of a walkthrough, in words: what a merchant needs before scrolling. Pure.

`first_screen(walkthrough)` answers: the path in a title, why in one sentence, and either the next
action (with its button label), or what we are waiting for and when to look again, or "nothing left
to do". The checklist below it gets one line per step from `step_line`. Pages only lay this out;
every word comes from the walkthrough `kb.paths.decide` built or from `kb.wording.card` (buttons, progress).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from kb.suppliers import supplier_title
from kb.walkthrough import ActionId, StepStatus, Walkthrough, WalkthroughStep
from kb.wording.card import ACTION_WORDS, NO_SUPPLIER, READING, REVERTING, WORKING, ActionWords, look_again_words
from kb.wording.options import FO_ACTIONS
from kb.wording.warnings import IRREVERSIBLE_CANCEL, REFUND_METHOD_NOTE

__all__ = [
    "IRREVERSIBLE_CANCEL",
    "REFUND_METHOD_NOTE",
    "Card",
    "CardKind",
    "action_label",
    "first_screen",
    "READING",
    "first_sentence",
    "progress_words",
    "short_why",
    "step_line",
]

_DIALOG_WARNINGS = frozenset({IRREVERSIBLE_CANCEL, REFUND_METHOD_NOTE})

# A sentence ends at . ! or ? followed by a space (not inside an amount such as 12.50 or an id).
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)", re.DOTALL)

CardKind = Literal["act", "wait", "by_hand", "done"]


class Card(BaseModel):
    """The first screen: `kind` says which of its parts apply."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: CardKind
    title: str
    why: str  # one sentence
    step: WalkthroughStep | None = None  # the next step (act, wait, by_hand)
    label: str | None = None  # the next action's button (act)
    waiting_for: str | None = None  # what we wait for (wait)
    look_again: str | None = None  # when to look again (wait)
    warnings: tuple[str, ...] = ()  # the walkthrough's warnings that belong on the page (each once)
    dialog_warnings: tuple[str, ...] = ()  # the ones that belong with the cancel confirmation


def first_sentence(text: str) -> str:
    """The first sentence of `text` (all of it when there is no sentence end)."""
    match = _SENTENCE.match(text.strip())
    return match.group(1) if match else text.strip()


_WHY_LIMIT = 160  # characters: longer, and the card keeps the sentence's lead (the details are in the checklist)


def short_why(text: str) -> str:
    """The card's one sentence: the first of `text`, cut before its first colon when it runs long."""
    sentence = first_sentence(text)
    lead, colon, _ = sentence.partition(": ")
    if len(sentence) <= _WHY_LIMIT or not colon:
        return sentence
    return lead.rstrip(" .,;") + "."


# A re-check may be pressed while blocked or waiting too; every other button only on the next step.
_ANY_STATUS = frozenset({ActionId.CHECK_SUPPLIER})


def _supplier(step: WalkthroughStep) -> str:
    return supplier_title(step.supplier) if step.supplier else NO_SUPPLIER


def _button(step: WalkthroughStep, words: ActionWords) -> str:
    fo_action = FO_ACTIONS.get(step.revert) if step.revert is not None else None
    if step.action is ActionId.REVERT_FULFILLMENT and fo_action is not None:
        return fo_action.label
    return words.button.format(supplier=_supplier(step))


def action_label(step: WalkthroughStep) -> str | None:
    """The label of a step's button, or None when the step offers none (done, not needed, by hand)."""
    words = ACTION_WORDS.get(step.action) if step.action is not None else None
    if words is None or step.status is StepStatus.NOT_NEEDED:
        return None
    if step.status is not StepStatus.NEXT and step.action not in _ANY_STATUS:
        return None
    return _button(step, words)


def step_line(step: WalkthroughStep) -> str:
    """One line for the checklist: what was found (done), why (next), what unblocks it (blocked)."""
    return first_sentence(step.reason)


def progress_words(step: WalkthroughStep) -> str:
    """What is happening while a step's action runs (shown in the progress box)."""
    words = ACTION_WORDS.get(step.action) if step.action is not None else None
    if words is None:
        return WORKING
    return words.progress.format(supplier=_supplier(step), button=action_label(step) or REVERTING)


def _is_wait(wt: Walkthrough, step: WalkthroughStep) -> bool:
    """A next step that only waits for the other side (a service or a seller must answer first)."""
    if wt.check_again_after is None:
        return False
    return step.action is None or (step.action is ActionId.CHECK_SUPPLIER
                                   and step.step_id == "supplier-confirm-cancelled")


def first_screen(wt: Walkthrough, *, reply_seconds: float | None = None) -> Card:
    """The card under the order heading. `reply_seconds`: the sandbox's simulated answer delay (None live)."""
    done = Card(kind="done", title=wt.title, why=short_why(wt.explanation),
                warnings=tuple(w for w in wt.warnings if w not in _DIALOG_WARNINGS),
                dialog_warnings=tuple(w for w in wt.warnings if w in _DIALOG_WARNINGS))
    step = wt.next_step
    if step is None:
        return done
    if _is_wait(wt, step):
        return done.model_copy(update={"kind": "wait", "step": step, "waiting_for": first_sentence(step.reason),
                                       "look_again": look_again_words(wt.check_again_after, reply_seconds)})
    label = action_label(step)
    if label is None:
        return done.model_copy(update={"kind": "by_hand", "step": step})
    return done.model_copy(update={"kind": "act", "step": step, "label": label})
