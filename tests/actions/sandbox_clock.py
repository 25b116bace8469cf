"""A clock the sandbox tests move by hand (shared by the wire and client tests)."""

from __future__ import annotations

__all__ = ["Clock"]


class Clock:
    """Sandbox time that moves only when a test (or a client's wait) moves it."""

    def __init__(self) -> None:
        self.now = 1_780_000_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """The clients' waits move the sandbox's time, so delayed transitions happen while they wait."""
        self.now += seconds
