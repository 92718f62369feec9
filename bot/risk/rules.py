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
from bot.risk.learned import LearnedOpinion, second_opinion
from bot.risk.loader import LANGS, Negation, RiskRulesError, RuleFiles, RuleSpec, read_folder
from bot.risk.model import Assessment, Reason, Reporter
from bot.risk.normalise import BOUNDARY, ChineseNormaliser, EnglishNormaliser
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
        self._learned: LearnedOpinion | None = None
        self._english = EnglishNormaliser(files.en_words)
        self._chinese = ChineseNormaliser(
            files.folds, files.pinyin_words, files.fillers, files.pinyin_syllables
        )
        compiler = Compiler(files.sets, files.pinyin, self._english, self._chinese.view)
        self._rules: list[_Rule] = [self._compile_rule(compiler, spec) for spec in files.rules]
        self._english.learn(compiler.english_words | set(files.en_words))
        self._negation = {
            lang: _negation_regex(
                lang, files.negation.get(lang, Negation()), self._english, self._chinese
            )
            for lang in LANGS
        }

    @classmethod
    def load(cls, root: Path | None = None) -> RiskRules:
        """Load `ROOT/risk/*.yaml` (ROOT defaults to the repository's content folder)."""
        folder = (root if root is not None else DEFAULT_ROOT) / "risk"
        return cls(read_folder(folder))

    def with_model(self, folder: Path | None = None) -> RiskRules:
        """Train the learned second opinion on the labelled files below `folder` (see learned.py).

        Without usable files the rules stay alone (logged): the model adds, never replaces.
        """
        self._learned = (
            LearnedOpinion.from_folder(self.model_text)
            if folder is None
            else LearnedOpinion.from_folder(self.model_text, folder)
        )
        return self

    @property
    def learned(self) -> LearnedOpinion | None:
        """The trained second opinion, or None when the rules run alone."""
        return self._learned

    def model_text(self, text: str) -> str:
        """What the model reads: both normalised views, so folds and homophones carry over."""
        zh, en = self.views(text)
        return f"{zh} {en}"

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
        return self._chinese.view(text), self._english.view(text)

    def assess_text(
        self, text: str, lang: str | None = None, *, reporter: Reporter = Reporter.CHILD
    ) -> Assessment:
        """Level and reasons for a free-text message: the rules, then the learned opinion.

        The model (when trained) may raise the rules' level to at most `concern`, never
        lower it; see `second_opinion`.
        """
        rules = self.assess_rules(text, lang, reporter=reporter)
        if self._learned is None or rules.level >= RiskLevel.CONCERN:
            return rules  # the model can only raise to concern: nothing to add, skip its cost
        return second_opinion(rules, self._learned.assess(text))

    def assess_rules(
        self, text: str, lang: str | None = None, *, reporter: Reporter = Reporter.CHILD
    ) -> Assessment:
        """Level and reasons for a free-text message from the phrase lists alone.

        `reporter` says who wrote it: a child about themselves (the default) or an adult
        reporting about a child, whose third-person sentences count as signals.

        Both phrase lists run whatever `lang` says, because children mix scripts (pinyin
        inside Chinese, English slang); `lang` is accepted so callers can pass what they know.
        A Chinese rule that finds nothing at all in the message is tried once more on its
        compact view (filler words dropped). A rule that found its phrase but was cancelled
        by an exception is not retried, so dropping a filler never defeats an exception
        (我死也不吃香菜 stays an idiom).
        """
        del lang  # both lists always run; see the docstring
        zh = self._chinese.view(text)
        compact = self._chinese.compact(zh)
        views: dict[str, tuple[str, ...]] = {
            "zh": (zh, compact) if compact != zh else (zh,),
            "en": (self._english.view(text),),
        }
        chars = {lang: [frozenset(v) for v in vs] for lang, vs in views.items()}
        reasons: list[Reason] = []
        fallbacks: list[Reason] = []
        for rule in self._rules:
            if rule.spec.reporter is not None and rule.spec.reporter != reporter.value:
                continue
            lang = rule.spec.lang
            for view, view_chars in zip(views[lang], chars[lang], strict=True):
                if rule.first_chars.isdisjoint(view_chars):
                    continue
                first = list(_occurrences(rule.groups[0], view, view_chars, ()))
                if not first:
                    continue
                reason = self._apply(rule, view, view_chars, first)
                if reason is not None:
                    (fallbacks if rule.spec.fallback else reasons).append(reason)
                break
        top = max((r.level for r in reasons), default=RiskLevel.NONE)
        reasons.extend(r for r in fallbacks if r.level > top)
        return Assessment.of(reasons)

    def _apply(
        self,
        rule: _Rule,
        view: str,
        chars: frozenset[str],
        first: Sequence[tuple[str, tuple[int, int]]],
    ) -> Reason | None:
        """The reason a rule gives for this view, or None when it does not fire.

        Only the first group is checked for negation: in an `all` rule the other groups
        add context (an injury, a secret) rather than the statement itself. With a
        `window`, the other groups must match within that many characters (Chinese) or
        words (English) of the first group's match.
        """
        excepted = [span for p in rule.unless for span in p.spans(view)]
        spec = rule.spec
        negated_found: list[str] | None = None
        for source, span in first:
            if _overlaps(span, excepted):
                continue
            negated = spec.negated is not None and self._is_negated(spec.lang, view, span[0])
            if negated and negated_found is not None:
                continue
            context = self._context(rule, view, chars, excepted, span)
            if context is None:
                continue
            if not negated:
                code = "phrase:" + "+".join([source, *context])
                return Reason(spec.category, code, spec.id, spec.level)
            negated_found = [source, *context]
        if negated_found is None or spec.negated is None or spec.negated == RiskLevel.NONE:
            return None
        return Reason(spec.category, "negated:" + "+".join(negated_found), spec.id, spec.negated)

    def _context(
        self,
        rule: _Rule,
        view: str,
        chars: frozenset[str],
        excepted: Sequence[tuple[int, int]],
        anchor: tuple[int, int],
    ) -> list[str] | None:
        """Sources matched by the other groups of an `all` rule, or None when one is missing.

        Each group must match somewhere else: one phrase cannot satisfy two groups. With a
        `window`, the whole stretch from the first to the last match is the match, so an
        exception anywhere inside it (不小心 between the knife and the hand) cancels it.
        """
        used = [anchor]
        found: list[str] = []
        window = rule.spec.window
        for group in rule.groups[1:]:
            hit = next(
                (
                    f
                    for f in _occurrences(group, view, chars, excepted)
                    if not _overlaps(f[1], used)
                    and (window is None or _distance(view, anchor, f[1], rule.spec.lang) <= window)
                ),
                None,
            )
            if hit is None:
                return None
            found.append(hit[0])
            used.append(hit[1])
        if window is not None:
            cover = (min(a for a, _ in used), max(b for _, b in used))
            if _overlaps(cover, excepted):
                return None
        return found

    def _is_negated(self, lang: str, view: str, start: int) -> bool:
        """True when a negation word (with a few allowed fillers) ends right before `start`."""
        regex = self._negation[lang]
        if regex is None:
            return False
        before = view[max(0, start - 40) : start]
        offset = 0
        while (match := regex.search(before, offset)) is not None:
            if lang != "zh" or not _is_question(before, match.start()):
                return True
            offset = match.start() + 1
        return False


def _is_question(view: str, at: int) -> bool:
    """是不是, 有没有, 会不会: a negation between two copies of a word asks, it does not deny."""
    if view[at] not in "不没" or at == 0 or at + 1 >= len(view):
        return False
    return view[at - 1] == view[at + 1]


def _distance(view: str, a: tuple[int, int], b: tuple[int, int], lang: str) -> int:
    """Characters (Chinese) or words (English) strictly between two spans; 0 if they touch."""
    lo, hi = (a[1], b[0]) if a[0] <= b[0] else (b[1], a[0])
    if hi <= lo:
        return 0
    between = view[lo:hi]
    if lang == "zh":
        return sum(1 for c in between if c != BOUNDARY)
    return sum(1 for w in between.split() if w != BOUNDARY)


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
    lang: str, negation: Negation, english: EnglishNormaliser, chinese: ChineseNormaliser
) -> re.Pattern[str] | None:
    """A regex that matches the end of the text before a phrase when it negates the phrase."""
    if not negation.words:
        return None
    if lang == "zh":
        words = _alternation(chinese.view(w) for w in negation.words)
        fillers = _alternation(chinese.view(w) for w in negation.fillers)
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
    """The repository's rules with the learned second opinion, loaded once per process."""
    return RiskRules.load().with_model()
