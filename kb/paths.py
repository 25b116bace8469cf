"""The rules composed: from an order's real state, which path it is on and what to do next.

`decide(OrderState) -> Walkthrough` is pure and total: every valid `OrderState` maps to exactly
one `PathId` and to the steps of the guide `cancel-an-order`, in guide order, each with a status
(done / next / blocked / not needed), a reason in a merchant's words and, on the step marked
next, the button (`ActionId`) it offers. It composes, each readable on its own:

    kb.facts       the facts (supplier groups, what is odd) read once from the state
    kb.guards      the named yes/no questions over those facts
    kb.precedence  the path: ordered (path, guard) tables, first match wins
    kb.revert      the revert choice for a fulfillment order
    kb.steps       every step's status and button, as tables (`SUPPLIER_STEPS` per situation)
    kb.wording     every sentence: titles, citations, explanations, step reasons, warnings

`classify` stops before the words: the path and the steps' statuses, for callers that only need
the verdict (the CLI's JSON, scans, benchmarks). `decide` is `classify` plus the words, so the
two cannot disagree. Only the `next` step carries an action: `cancel_order` only when both sides
allow it, and a revert only when Shopify lists it in the fulfillment order's supported actions.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from kb.facts import Facts, facts
from kb.guide import load_guide
from kb.precedence import PathVerdict, choose_path, supplier_path
from kb.revert import SERVICE_SILENCE, revert_action_for, service_silent
from kb.state import OrderState
from kb.steps import StepRow, Todo, recheck, resolve, step_rows
from kb.walkthrough import ActionId, PathId, StepStatus, Walkthrough
from kb.wording.paths import (
    CANCEL_GUIDE,
    FIND_SUPPLIER_TITLE,
    FOLLOW_UP_TITLE,
    PATH_TITLES,
    REVERT_GUIDE,
    cites,
    explain,
    path_title,
    supplier_reason,
)
from kb.wording.steps import after_words, step_reason
from kb.wording.warnings import warnings

__all__ = [
    "CANCEL_GUIDE",
    "FIND_SUPPLIER_TITLE",
    "FOLLOW_UP_TITLE",
    "PATH_TITLES",
    "REVERT_GUIDE",
    "SERVICE_SILENCE",
    "StepVerdict",
    "Verdict",
    "classify",
    "decide",
    "revert_action_for",
    "service_silent",
]


class StepVerdict(NamedTuple):
    """One step of `classify`: what `decide` gives for it, without its title or reason."""

    step_id: str
    status: StepStatus
    action: ActionId | None
    target: str | None
    supplier: str | None


class Verdict(NamedTuple):
    """The path and the steps' statuses, as `decide` gives them (no text, no validation)."""

    path: PathId
    steps: tuple[StepVerdict, ...]

    @property
    def next_step(self) -> StepVerdict | None:
        return next((s for s in self.steps if s.status is StepStatus.NEXT), None)


def _verdict(state: OrderState) -> tuple[Facts, PathVerdict, list[StepRow], int | None, list[StepStatus]]:
    f = facts(state)
    path = choose_path(f)
    rows = step_rows(f, path)
    return f, path, rows, *resolve(rows)


def classify(state: OrderState) -> Verdict:
    """`decide` without the words, for callers that only need where the order stands."""
    _, path, rows, best, statuses = _verdict(state)
    steps = [_step_verdict((row.step_id, status, None, row.target, row.supplier)) for row, status in zip(rows, statuses)]
    if best is not None:  # only the next step carries its button
        row = rows[best]
        steps[best] = _step_verdict((row.step_id, StepStatus.NEXT, row.action, row.target, row.supplier))
    return Verdict(path.path, tuple(steps))


_WAIT = Todo.WAIT
_step_verdict = StepVerdict._make  # from a tuple in field order: a third cheaper than StepVerdict(...) per step


@functools.lru_cache(maxsize=1)
def _step_titles() -> Mapping[str, str]:
    """Step titles from the parsed guide, read once per process (`load_guide` checks the file each call)."""
    return MappingProxyType({step.id: step.title for step in load_guide(CANCEL_GUIDE).steps})


def decide(state: OrderState) -> Walkthrough:
    """Which path this order is on and the guide's steps for it, in words. Pure, fast and total."""
    f, path, rows, best, statuses = _verdict(state)
    titles = _step_titles()
    after = titles[rows[best].step_id] if best is not None else ""
    steps = []
    for i, (row, status) in enumerate(zip(rows, statuses)):
        reason = step_reason(f, path, row)
        if i != best and row.todo >= _WAIT:  # a to-do blocked by the one next step
            reason = after_words(reason, after)
        step: dict[str, object] = {"step_id": row.step_id, "title": titles[row.step_id], "status": status,
                                   "reason": reason}
        if i == best and row.action is not None:  # absent fields take their None default: cheaper to validate
            step["action"], step["revert"] = row.action, row.revert
        if row.target is not None:
            step["target"], step["supplier"] = row.target, row.supplier
        steps.append(step)
    follow_up = path.path is PathId.ALREADY_CANCELLED and best is not None
    return Walkthrough.model_validate({  # one validation for the whole walkthrough: twice as fast as per step
        "path": path.path,
        "title": path_title(f, path.path, follow_up=follow_up),
        "explanation": explain(f, path),
        "cites": cites(f, path.path),
        "steps": steps,
        "warnings": warnings(f, path.path),
        "suppliers": [{"supplier": so.supplier, "order_id": so.order_id,
                       "path": supplier_path(group, shopify_cancelled=f.cancelled),
                       "reason": supplier_reason(so, group, shopify_cancelled=f.cancelled)}
                      for so, group in zip(f.suppliers, f.groups)],
        "check_again_after": recheck(f) if path.path is PathId.CANCELLATION_PENDING else None,
    })
