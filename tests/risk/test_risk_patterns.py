"""The phrase syntax coordinators write: alternatives, word lists, gaps, ends, pinyin."""

from __future__ import annotations

import pytest

from bot.risk.normalise import EnglishNormaliser, zh_view
from bot.risk.patterns import Compiler, PatternError, expand

SETS = {
    "family": ["爸爸", "奶奶"],
    "kin": ["{family}", "叔叔"],
    "loop": ["{loop}"],
    "en_kin": ["my dad", "uncle"],
}
PINYIN = {"死": ["si", "s"], "杀": ["sha", "s"], "自": ["zi"]}
ENGLISH = EnglishNormaliser({"dont": "do not", "wanna": "want to"})


def compiler() -> Compiler:
    return Compiler(SETS, PINYIN, ENGLISH)


def zh_matches(pattern: str, text: str, *, strict: bool = False) -> bool:
    return bool(list(compiler().compile(pattern, "zh", strict=strict).spans(zh_view(text))))


def en_matches(pattern: str, text: str) -> bool:
    return bool(list(compiler().compile(pattern, "en").spans(ENGLISH.view(text))))


def test_alternatives_expand_and_an_empty_one_makes_a_group_optional() -> None:
    """`(想|要)(去|)死` expands to four literal variants."""
    assert sorted(expand("(想|要)(去|)死", {})) == ["想去死", "想死", "要去死", "要死"]


def test_word_lists_match_any_member_and_may_nest() -> None:
    """`{kin}打我` matches a member of a nested list and nothing else."""
    assert zh_matches("{kin}打我", "奶奶打我")
    assert zh_matches("{kin}打我", "叔叔打我")
    assert not zh_matches("{kin}打我", "同学打我")


def test_a_gap_allows_a_few_characters_in_between() -> None:
    """`爸爸*打我` allows up to twelve characters between the two parts."""
    assert zh_matches("爸爸*打我", "爸爸昨天晚上又打我")
    assert not zh_matches("爸爸*打我", "爸爸" + "很" * 20 + "打我")


def test_end_mark_requires_the_clause_to_end() -> None:
    """`想死你$` matches 想死你 at the end of a clause, not 想死你们."""
    assert zh_matches("想死你$", "想死你，妈妈")
    assert not zh_matches("想死你$", "想死你们")


def test_clause_ends_may_sit_inside_a_match_unless_strict() -> None:
    """Triggers tolerate a comma between characters; exceptions (strict) do not."""
    assert zh_matches("想死", "想，死")
    assert not zh_matches("想死你", "想死，你们都不懂", strict=True)


def test_pinyin_stands_in_for_listed_characters() -> None:
    """自sha, zisha, 自s and si了 match the Chinese phrases they spell."""
    assert zh_matches("自杀", "自sha")
    assert zh_matches("自杀", "我想zisha")
    assert zh_matches("自杀", "自s")
    assert zh_matches("死了算了", "si了算了")


def test_pinyin_must_be_a_whole_latin_word() -> None:
    """想sing and 想switch are not 想s: a romanised piece cannot run into other letters."""
    assert not zh_matches("想死", "想sing")
    assert not zh_matches("想死", "我想switch")
    assert not zh_matches("自杀", "zishang")


def test_english_patterns_match_whole_words_only() -> None:
    """`kms` matches the word kms but not letters inside another word."""
    assert en_matches("kms", "ugh kms")
    assert not en_matches("kms", "thanks my friend")
    assert not en_matches("die", "diet coke")


def test_english_patterns_are_normalised_like_messages() -> None:
    """A pattern written with don't matches a message written with dont or do not."""
    assert en_matches("don't want to live", "i dont wanna live")
    assert en_matches("(really |)want to die", "i want to die")
    assert en_matches("{en_kin} * hits me", "my dad always hits me")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(想|死", "is never closed"),
        ("想}", "without its"),
        ("{nope}", "unknown word list"),
        ("*想", "between two words"),
        ("想$死", "may only end"),
        ("{loop}", "refers to itself"),
    ],
)
def test_bad_patterns_are_refused_with_a_reason(pattern: str, message: str) -> None:
    """Every malformed pattern raises PatternError saying what is wrong."""
    with pytest.raises(PatternError, match=message):
        compiler().compile(pattern, "zh")


def test_a_clause_gap_never_crosses_a_clause_end() -> None:
    """`想~死` allows a few characters in one clause, but not across a comma."""
    assert zh_matches("想~死", "想去那边死")
    assert not zh_matches("想~死", "我想吃饭，死党来了")
    assert zh_matches("想*死", "我想吃饭，死党来了")


def test_a_digit_stands_in_for_a_character_but_never_inside_a_number() -> None:
    """With 死: [4], 想4 and 4了算了 match, while 想4点 and 想44 do not."""
    digits = Compiler(SETS, {"死": ["si", "4"]}, ENGLISH)

    def matches(pattern: str, text: str) -> bool:
        return bool(list(digits.compile(pattern, "zh").spans(zh_view(text))))

    assert matches("想死", "我想4")
    assert matches("死了算了", "4了算了")
    assert not matches("想死", "我想4点起床")
    assert not matches("想死", "我想44")


def test_a_pattern_that_could_match_nothing_is_refused() -> None:
    """`(想|)` would match every message, so it is an error."""
    with pytest.raises(PatternError, match="empty message"):
        compiler().compile("(想|)", "zh")


def test_english_alternatives_inside_a_word_and_optional_words_both_work() -> None:
    """touch(es|ed|) matches touches and touch; `(really |)want` matches with or without."""
    assert en_matches("touch(es|ed|) me", "he touches me")
    assert en_matches("touch(es|ed|) me", "he touch me")
    assert en_matches("i (really |)want", "i really want")
    assert en_matches("i (really |)want", "i want")
    assert not en_matches("i (really |)want", "i really really want")
