"""A snapshot of `decide()` over the states the exhaustive rule suites generate.

Taken before the rules were rewritten as data (issue 12), so a refactor of `kb/` proves it changed
nothing a merchant sees: per state the path, every step's id, status, action and target (stored as
they are, to read a difference), and a short hash of the whole walkthrough (every word, title,
warning and citation). Per suite, one hash of the generated states says the generators themselves
did not move (a different state would make any comparison meaningless).

    .venv/bin/python -m tests.kb.verdict_snapshot     # rewrite the snapshot (only for a wanted change)
"""

from __future__ import annotations

import functools
import hashlib
import json
import lzma
from collections.abc import Callable, Iterator
from pathlib import Path

from kb.paths import decide
from kb.state import OrderState
from kb.walkthrough import Walkthrough
from tests.kb import generated_states as generated

__all__ = ["SNAPSHOT", "SUITES", "line_of", "read_snapshot", "states_hash", "write_snapshot"]

SNAPSHOT = Path(__file__).parent / "data" / "verdicts.jsonl.xz"


def _states(suite: str) -> Iterator[OrderState]:
    """The suite's states, without their labels."""
    return (state for _, state in generated.SUITES[suite]())


SUITES: dict[str, Callable[[], Iterator[OrderState]]] = {
    name: functools.partial(_states, name) for name in generated.SUITES}


def _short_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def line_of(state: OrderState, w: Walkthrough) -> str:
    """`path|step:status:action:target ...|hash of everything`: the verdict readable, the words hashed.

    A target is named by its place in the state (`order`, `fo1`, `so2`), not its id: the random
    states' ids would otherwise make most of the file.
    """
    places = {state.shopify.id: "order"}
    places.update({fo.id: f"fo{i}" for i, fo in enumerate(state.shopify.fulfillment_orders, 1)})
    places.update({so.order_id: f"so{i}" for i, so in enumerate(state.suppliers, 1)})
    steps = " ".join(f"{s.step_id}:{s.status.value}:{s.action or ''}:{places.get(s.target, s.target) if s.target else ''}"
                     for s in w.steps)
    return f"{w.path.value}|{steps}|{_short_hash(w.model_dump_json())}"


def states_hash(states: list[OrderState]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for state in states:
        digest.update(state.model_dump_json().encode())
    return digest.hexdigest()


def read_snapshot() -> dict[str, dict[str, object]]:
    """suite -> {"states": hash, "lines": [line per state]}."""
    suites: dict[str, dict[str, object]] = {}
    with lzma.open(SNAPSHOT, "rt", encoding="utf-8") as lines:
        for raw in lines:
            record = json.loads(raw)
            suites[record["suite"]] = record
    return suites


def write_snapshot() -> int:
    SNAPSHOT.parent.mkdir(exist_ok=True)
    count = 0
    # xz holds the 13 MB of lines in about 150 kB (gzip: 240 kB); the same lines give the same bytes.
    with lzma.open(SNAPSHOT, "wb", preset=9 | lzma.PRESET_EXTREME) as xz:
        for name, generate in SUITES.items():
            states = list(generate())
            lines = [line_of(state, decide(state)) for state in states]
            count += len(lines)
            record = {"suite": name, "count": len(states), "states": states_hash(states), "lines": lines}
            xz.write((json.dumps(record) + "\n").encode())
    return count


if __name__ == "__main__":
    print(f"{write_snapshot()} states -> {SNAPSHOT} ({SNAPSHOT.stat().st_size} bytes)")
