"""`decide()` gives, on every state the exhaustive suites generate, what it gave before the rules
were rewritten as data: the same path, step statuses, actions and targets, and the same words."""

from __future__ import annotations

import pytest

from kb.paths import decide
from tests.kb.verdict_snapshot import SUITES, line_of, read_snapshot, states_hash

_SNAPSHOT = read_snapshot()


@pytest.mark.parametrize("suite", list(SUITES))
def test_decide_gives_the_snapshot_verdict_and_words_on_every_generated_state(suite: str) -> None:
    recorded = _SNAPSHOT[suite]
    states = list(SUITES[suite]())
    assert len(states) == recorded["count"]
    assert states_hash(states) == recorded["states"], "the generated states changed: the snapshot no longer applies"
    differences = []
    for i, (state, expected) in enumerate(zip(states, recorded["lines"])):  # type: ignore[arg-type]
        got = line_of(state, decide(state))
        if got != expected:
            what = "words" if got.rsplit("|", 1)[0] == expected.rsplit("|", 1)[0] else "verdict"
            differences.append(f"#{i} ({state.shopify.name}) {what} differ:\n  was {expected}\n  now {got}")
    assert not differences, f"{len(differences)} of {len(states)} states differ, e.g.\n" + "\n".join(differences[:5])


def test_the_snapshot_covers_every_exhaustive_suite() -> None:
    assert list(_SNAPSHOT) == list(SUITES)
    assert sum(record["count"] for record in _SNAPSHOT.values()) > 25_000  # type: ignore[misc]
