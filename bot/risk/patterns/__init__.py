"""The phrase syntax coordinators write, compiled once into fast regular expressions.

A pattern is plain text plus five marks: `(a|b|)` for alternatives (an empty one makes the
group optional), `{name}` for a shared word list, `*` for "a few characters (Chinese) or
words (English) in between", `~` for the same but never across a clause end, and a final
`$` for "the message or clause ends here".

A pattern is parsed into a small tree and translated straight into one regular expression:
alternatives stay alternatives instead of being multiplied out into every literal variant,
so a thousand patterns compile in a fraction of a second. Every literal piece is
normalised exactly like a message. Chinese characters listed in the pinyin table also
match their romanisation (自sha, zisha); a romanised piece only matches as a whole Latin
word, so 想sing never reads as 想s, and a digit stand-in (4 for 死) never as part of a
number or a count (4点, 4个).
"""

from __future__ import annotations

from bot.risk.patterns._compile import Compiled, Compiler
from bot.risk.patterns._syntax import (
    EN_GAP,
    EN_NEAR,
    END,
    GAP,
    MARKERS,
    MAX_DEPTH,
    MAX_VARIANTS,
    NEAR,
    SET_CLOSE,
    SET_OPEN,
    ZH_GAP,
    ZH_NEAR,
    PatternError,
    expand,
)

__all__ = [
    "END",
    "EN_GAP",
    "EN_NEAR",
    "GAP",
    "MARKERS",
    "MAX_DEPTH",
    "MAX_VARIANTS",
    "NEAR",
    "SET_CLOSE",
    "SET_OPEN",
    "ZH_GAP",
    "ZH_NEAR",
    "Compiled",
    "Compiler",
    "PatternError",
    "expand",
]
