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
from collections.abc import Iterable, Mapping
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
# Glued words this long that are not known words are split into known ones.
_GLUED = 8
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
        self._vocabulary: frozenset[str] = frozenset()
        self._longest = 0

    def learn(self, vocabulary: Iterable[str]) -> None:
        """Words the lists use; run-together words are split into them (`iwanttodie`).

        Only letters spelled out one by one (`i d o n t w a n t t o l i v e`) and glued
        words of eight letters or more that are not themselves known are split, and only
        when every piece is a known word.
        """
        self._vocabulary = frozenset(w for w in vocabulary if w.isalpha())
        self._longest = max((len(w) for w in self._vocabulary), default=0)

    def _split(self, token: str) -> str:
        """`idontwanttolive` -> `i dont want to live`, or the token unchanged."""
        if not self._vocabulary or token in self._vocabulary or token in self._words:
            return token
        best: list[list[str] | None] = [None] * (len(token) + 1)
        best[0] = []
        for end in range(1, len(token) + 1):
            for start in range(max(0, end - self._longest), end):
                prefix = best[start]
                piece = token[start:end]
                if prefix is None or (len(piece) == 1 and piece not in ("i", "a")):
                    continue
                if piece in self._vocabulary or piece in self._words:
                    candidate = [*prefix, piece]
                    current = best[end]
                    if current is None or len(candidate) < len(current):
                        best[end] = candidate
        found = best[len(token)]
        return " ".join(found) if found and len(found) > 1 else token

    def view(self, text: str) -> str:
        """` i do not want to die | ok `: words between single spaces, padded at both ends."""
        s = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
        for pattern, replacement in _CONTRACTIONS:
            s = pattern.sub(replacement, s)
        s = s.replace("'", "")
        s = _LEET_RE.sub(lambda m: _LEET[m.group(0)], s)
        s = _SPELLED_RE.sub(lambda m: self._split("".join(c for c in m.group(0) if c.isalpha())), s)
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
            split = self._split(token) if len(token) >= _GLUED and token.isalpha() else token
            for piece in split.split():
                canonical.extend(self._words.get(piece, piece).split())
        return " " + " ".join(canonical) + " " if canonical else " "

    def tokens(self, text: str) -> list[str]:
        """The words of the English view (used to normalise patterns the same way)."""
        return [t for t in self.view(text).split() if t != BOUNDARY]


class ChineseNormaliser:
    """Builds the Chinese view, then folds dialect words and homophones to one spelling.

    `folds` maps a spelling to the one the lists are written in (俺 -> 我, 啥 -> 什么,
    紫砂 -> 自杀); an entry that maps a word to itself protects it from a shorter fold
    (姑娘 stays 姑娘 while 娘 becomes 妈). Longer spellings win.

    `fillers` are dropped in the `compact` view (see there).

    `pinyin_words` maps romanised words to characters (xiang -> 想, meiyisi -> 没意思). A run
    of Latin letters that splits completely into such words, two characters or more, is
    replaced by them, so `wo bu xiang huo le` reads 我不想活了. Runs that do not split
    completely (English words) are left alone.

    `syllables` are the other syllables of Mandarin. Whole sentences typed in pinyin mix
    risk words with everyday ones (`zhe ci bu shi shuo zhe wan de`), so a run may also
    split into risk words and syllables, provided it holds at least two risk words; each
    syllable then reads as UNKNOWN, a mark no list contains, so it can fill a gap but
    never complete a phrase or an exception.
    """

    def __init__(
        self,
        folds: Mapping[str, str],
        pinyin_words: Mapping[str, str],
        fillers: Iterable[str] = (),
        syllables: Iterable[str] = (),
    ) -> None:
        self._folds = {zh_view(k): zh_view(v) for k, v in folds.items() if zh_view(k)}
        dropped = sorted({zh_view(f) for f in fillers} - {""}, key=lambda f: (-len(f), f))
        self._filler_re = re.compile("|".join(re.escape(f) for f in dropped)) if dropped else None
        keys = sorted(self._folds, key=lambda k: (-len(k), k))
        self._fold_re = re.compile("|".join(re.escape(k) for k in keys)) if keys else None
        self._words = {k.lower(): zh_view(v) for k, v in pinyin_words.items() if k.isalpha()}
        self._syllables = frozenset(s.lower() for s in syllables if s.isalpha()) - set(self._words)
        self._longest = max((len(k) for k in (*self._words, *self._syllables)), default=0)

    def view(self, text: str) -> str:
        """`zh_view`, then pinyin runs and folds: `俺 不 想 活 了` -> `我不想活了`."""
        return self.fold(zh_view(text))

    def compact(self, view: str) -> str:
        """The view without filler words (真的, 什么, 都 …): 活着没什么意思 -> 活着没意思.

        Children put adverbs and particles inside phrases; every rule is tried on this view
        too, so a filler word cannot hide a phrase.
        """
        if self._filler_re is None:
            return view
        return self._filler_re.sub("", view)

    def fold(self, view: str) -> str:
        """Apply pinyin runs and folds to text already in the Chinese view."""
        if self._words:
            view = _LATIN_RUN.sub(self._romanised, view)
        if self._fold_re is not None:
            view = self._fold_re.sub(lambda m: self._folds[m.group(0)], view)
        return view

    def _romanised(self, match: re.Match[str]) -> str:
        run = match.group(0)
        words = self._split(run)
        if words is None:
            return run
        known = [w for w in words if w in self._words]
        if len(known) < len(words) and len(known) < 2:
            return run
        chars = "".join(self._words.get(w, UNKNOWN) for w in words)
        return chars if len(chars) >= 2 else run

    def _split(self, run: str) -> list[str] | None:
        """The split of `run` into dictionary words and syllables with the fewest syllables
        (then the fewest pieces), or None when it does not split completely."""
        best: list[tuple[int, int, list[str]] | None] = [None] * (len(run) + 1)
        best[0] = (0, 0, [])
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - self._longest), end):
                prefix = best[start]
                piece = run[start:end]
                if prefix is None:
                    continue
                if piece in self._words:
                    candidate = (prefix[0], prefix[1] + 1, [*prefix[2], piece])
                elif piece in self._syllables:
                    candidate = (prefix[0] + 1, prefix[1] + 1, [*prefix[2], piece])
                else:
                    continue
                current = best[end]
                if current is None or candidate[:2] < current[:2]:
                    best[end] = candidate
        found = best[len(run)]
        return None if found is None else found[2]


_LATIN_RUN = re.compile(r"[a-z]+")
# What a pinyin syllable outside the risk words reads as: no phrase list contains it.
UNKNOWN = "\u25a1"
