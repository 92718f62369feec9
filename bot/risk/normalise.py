"""Turn a child's message into the two views the phrase lists are matched against.

Children write 想 死, 想.死, 想😭死, 想死 in traditional characters, full-width letters, or
`I don't wanna d i e`; every variant must reach the same rule. The Chinese view keeps only
letters and digits (so anything placed between characters disappears) and marks clause
ends with `|`; the English view is lower-case words separated by single spaces, with
contractions and chat spellings rewritten to one canonical form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Protocol

BOUNDARY = "|"

# Clause ends: a negation or an exception never reaches across these.
_ZH_STRONG = frozenset(",!?;:、。\n\r")
_EN_STRONG = frozenset(",.!?;:、。\n\r")
# Variants OpenCC's t2s keeps because they are also valid simplified characters (活著, 想死妳了).
# Folding them everywhere is harmless: patterns are folded the same way.
_ZH_FOLD = str.maketrans({"著": "着", "妳": "你", "牠": "它", "祂": "他", "衹": "只", "祇": "只"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
# Leetspeak digits and symbols, replaced only between two letters (k1ll, su!c!de).
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
_LEET_RE = re.compile(r"(?<=[a-z])[013457@$!](?=[a-z])")
# Three or more single letters split by a few separators: `d i e`, `k.m.s`, `k-y-s`.
_SPELLED_RE = re.compile(r"(?<![a-z0-9])[a-z](?:[^a-z0-9|]{1,3}[a-z](?![a-z0-9])){2,}")
_CONTRACTIONS = (
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bain't\b"), "is not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
)


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=1)
def _t2s() -> _Converter:
    """OpenCC's traditional-to-simplified converter, created once (it loads dictionaries)."""
    import opencc

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


def base_form(text: str) -> str:
    """NFKC (full-width to half-width), traditional to simplified, lower-case."""
    folded = unicodedata.normalize("NFKC", text)
    return _t2s().convert(folded).translate(_ZH_FOLD).lower()


def zh_view(text: str) -> str:
    """Letters and digits only, clause ends as `|`: `我不想死，只是累` -> `我不想死|只是累`."""
    out: list[str] = []
    for ch in base_form(text):
        if ch in _ZH_STRONG:
            if out and out[-1] != BOUNDARY:
                out.append(BOUNDARY)
        elif ch.isalnum():
            out.append(ch)
    while out and out[-1] == BOUNDARY:
        out.pop()
    return "".join(out)


class EnglishNormaliser:
    """Builds the English view; `words` maps chat spellings to canonical ones (wanna -> want to)."""

    def __init__(self, words: Mapping[str, str]) -> None:
        self._words = dict(words)

    def view(self, text: str) -> str:
        """` i do not want to die | ok `: words between single spaces, padded at both ends."""
        s = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
        for pattern, replacement in _CONTRACTIONS:
            s = pattern.sub(replacement, s)
        s = s.replace("'", "")
        s = _LEET_RE.sub(lambda m: _LEET[m.group(0)], s)
        s = _SPELLED_RE.sub(lambda m: "".join(c for c in m.group(0) if c.isalpha()), s)
        tokens: list[str] = []
        word: list[str] = []
        for ch in s:
            if ch.isalnum():
                word.append(ch)
                continue
            if word:
                tokens.append("".join(word))
                word = []
            if ch in _EN_STRONG and tokens and tokens[-1] != BOUNDARY:
                tokens.append(BOUNDARY)
        if word:
            tokens.append("".join(word))
        while tokens and tokens[-1] == BOUNDARY:
            tokens.pop()
        canonical: list[str] = []
        for token in tokens:
            canonical.extend(self._words.get(token, token).split())
        return " " + " ".join(canonical) + " " if canonical else " "

    def tokens(self, text: str) -> list[str]:
        """The words of the English view (used to normalise patterns the same way)."""
        return [t for t in self.view(text).split() if t != BOUNDARY]
