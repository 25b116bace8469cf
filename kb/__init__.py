"""The domain: guides, the vocabulary of order states, and the rules. Pure: no I/O, no UI."""

from kb.state import *  # noqa: F401,F403
from kb.state import __all__ as _state_all
from kb.walkthrough import *  # noqa: F401,F403
from kb.walkthrough import __all__ as _walkthrough_all

__all__ = [*_state_all, *_walkthrough_all]
