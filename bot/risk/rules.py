"""Match a child's message against the compiled phrase lists.

Everything slow happens in `RiskRules.load`: files are read, patterns expanded and compiled.
`assess_text` then only normalises the message twice and runs the few regular expressions
whose first character occurs in it, because it runs on every message a child sends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.levels import RiskLevel
from bot.risk.loader import LANGS, Negation, RiskRulesError, RuleFiles, RuleSpec, read_folder
from bot.risk.model import Assessment, Reason
from bot.risk.normalise import BOUNDARY, EnglishNormaliser, zh_view
from bot.risk.patterns import Compiled, Compiler, PatternError

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "content"


@dataclass(frozen=True)
class _Rule:
    spec: RuleSpec
    groups: tuple[tuple[Compiled, ...], ...]
    unless: tuple[Compiled, ...]
    first_chars: frozenset[str]  # a match needs at least one of these characters in the view


class RiskRules:
    """The compiled phrase lists of one content folder; immutable and safe to share."""

    def __init__(self, files: RuleFiles) -> None:
        self._english = EnglishNormaliser(files.en_words)
        compiler = Compiler(files.sets, files.pinyin, self._english)
        self._rules: list[_Rule] = [self._compile_rule(compiler, spec) for spec in files.rules]
        self._negation = {
            lang: _negation_regex(lang, files.negation.get(lang, Negation()), self._english)
            for lang in LANGS
        }

    @classmethod
    def load(cls, root: Path | None = None) -> RiskRules:
        """Load `ROOT/risk/*.yaml` (ROOT defaults to the repository's content folder)."""
        folder = (root if root is not None else DEFAULT_ROOT) / "risk"
        return cls(read_folder(folder))

    @property
    def rule_count(self) -> int:
        """How many rules were loaded (for `qiao risk` output and sanity checks)."""
        return len(self._rules)

    @staticmethod
    def _compile_rule(compiler: Compiler, spec: RuleSpec) -> _Rule:
        try:
            groups = tuple(
                tuple(compiler.compile(p, spec.lang) for p in group) for group in spec.groups
            )
            unless = tuple(compiler.compile(p, spec.lang, strict=True) for p in spec.unless)
        except PatternError as exc:
            raise RiskRulesError(f"{spec.where}: {exc}") from None
        first = frozenset(c for group in groups[:1] for p in group for c in p.first_chars)
        return _Rule(spec, groups, unless, first)

    def views(self, text: str) -> tuple[str, str]:
        """The Chinese and English views of a message (for debugging rules)."""
        return zh_view(text), self._english.view(text)

    def assess_text(self, text: str, lang: str | None = None) -> Assessment:
        """Level and reasons for a free-text message.

        Both phrase lists run whatever `lang` says, because children mix scripts (pinyin
        inside Chinese, English slang); `lang` is accepted so callers can pass what they know.
        """
        del lang  # both lists always run; see the docstring
        views = {"zh": zh_view(text), "en": self._english.view(text)}
        chars = {lang: frozenset(view) for lang, view in views.items()}
        reasons: list[Reason] = []
        for rule in self._rules:
            lang = rule.spec.lang
            if rule.first_chars.isdisjoint(chars[lang]):
                continue
            reason = self._apply(rule, views[lang], chars[lang])
            if reason is not None:
                reasons.append(reason)
        return Assessment.of(reasons)

    def _apply(self, rule: _Rule, view: str, chars: frozenset[str]) -> Reason | None:
        """The reason a rule gives for this view, or None when it does not fire.

        Only the first group is checked for negation: in an `all` rule the other groups
        add context (an injury, a secret) rather than the statement itself.
        """
        first = list(_occurrences(rule.groups[0], view, chars, ()))
        if not first:
            return None
        excepted = [span for p in rule.unless for span in p.spans(view)]
        hit: str | None = None
        negated_hit: str | None = None
        used: list[tuple[int, int]] = []
        for source, span in first:
            if _overlaps(span, excepted):
                continue
            if rule.spec.negated is not None and self._is_negated(rule.spec.lang, view, span[0]):
                if negated_hit is None:
                    negated_hit, used = source, [span]
                continue
            hit, used = source, [span]
            break
        if hit is None and negated_hit is None:
            return None
        context: list[str] = []
        for group in rule.groups[1:]:
            # each group must match somewhere else: one phrase cannot satisfy two groups
            found = next(
                (
                    f
                    for f in _occurrences(group, view, chars, excepted)
                    if not _overlaps(f[1], used)
                ),
                None,
            )
            if found is None:
                return None
            context.append(found[0])
            used.append(found[1])
        spec = rule.spec
        if hit is not None:
            return Reason(spec.category, "phrase:" + "+".join([hit, *context]), spec.id, spec.level)
        if spec.negated is None or spec.negated == RiskLevel.NONE or negated_hit is None:
            return None
        phrase = "+".join([negated_hit, *context])
        return Reason(spec.category, f"negated:{phrase}", spec.id, spec.negated)

    def _is_negated(self, lang: str, view: str, start: int) -> bool:
        """True when a negation word (with a few allowed fillers) ends right before `start`."""
        regex = self._negation[lang]
        if regex is None:
            return False
        return regex.search(view[max(0, start - 40) : start]) is not None


def _overlaps(span: tuple[int, int], others: Sequence[tuple[int, int]]) -> bool:
    start, end = span
    return any(a < end and start < b for a, b in others)


def _occurrences(
    group: Sequence[Compiled],
    view: str,
    chars: frozenset[str],
    excepted: Sequence[tuple[int, int]],
) -> Iterator[tuple[str, tuple[int, int]]]:
    """(pattern source, span) of every match not covered by an exception."""
    for pattern in group:
        if pattern.first_chars.isdisjoint(chars):
            continue
        for span in pattern.spans(view):
            if not _overlaps(span, excepted):
                yield pattern.source, span


def _negation_regex(
    lang: str, negation: Negation, english: EnglishNormaliser
) -> re.Pattern[str] | None:
    """A regex that matches the end of the text before a phrase when it negates the phrase."""
    if not negation.words:
        return None
    if lang == "zh":
        words = _alternation(zh_view(w) for w in negation.words)
        fillers = _alternation(zh_view(w) for w in negation.fillers)
        tail = f"(?:{fillers}){{0,2}}" if negation.fillers else ""
        return re.compile(f"(?:{words}){tail}$")
    words = _alternation(" ".join(english.tokens(w)) for w in negation.words)
    fillers = _alternation(" ".join(english.tokens(w)) for w in negation.fillers)
    tail = f"(?:(?:{fillers}) ){{0,3}}" if negation.fillers else ""
    return re.compile(f"(?:^| )(?:{words}) {tail}$")


def _alternation(items: Iterable[str]) -> str:
    """Longest first, so 没有 is tried before 没."""
    cleaned = sorted({i for i in items if i and BOUNDARY not in i}, key=lambda s: (-len(s), s))
    return "|".join(re.escape(i) for i in cleaned)


@lru_cache(maxsize=1)
def default_rules() -> RiskRules:
    """The repository's rules, loaded once per process."""
    return RiskRules.load()
