"""The two message views: what children type is folded before any phrase is matched."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.levels import RiskLevel
from bot.risk.normalise import UNKNOWN, ChineseNormaliser, EnglishNormaliser, base_form, zh_view
from bot.risk.rules import RiskRules

ENGLISH = EnglishNormaliser({"dont": "do not", "wanna": "want to", "im": "i am"})


def test_traditional_characters_become_simplified() -> None:
    """Traditional characters are folded to simplified ones (OpenCC t2s plus 著 -> 着)."""
    assert zh_view("我想自殺") == "我想自杀"
    assert zh_view("活著沒有意義") == "活着没有意义"


def test_full_width_letters_and_digits_become_half_width() -> None:
    """NFKC turns full-width forms into ASCII, and letters are lower-cased."""
    assert base_form("ＫＭＳ１２３") == "kms123"


def test_spaces_punctuation_and_emoji_between_characters_disappear() -> None:
    """想 死 / 想.死 / 想😭死 / 想*死 all read as 想死 in the Chinese view."""
    for text in ("想 死", "想.死", "想😭死", "想*死", "想\u200b死", "想~死"):
        assert zh_view(text) == "想死", text


def test_clause_punctuation_is_kept_as_a_boundary() -> None:
    """Commas and full stops end a clause, so a negation cannot reach across them."""
    assert zh_view("不是开玩笑，我真的想死。") == "不是开玩笑|我真的想死"
    assert zh_view("，，想死！！") == "想死"


def test_english_contractions_and_chat_spellings_are_canonical() -> None:
    """don't, dont and do not all become `do not`; wanna becomes `want to`."""
    assert ENGLISH.view("I don't wanna die") == " i do not want to die "
    assert ENGLISH.view("i dont wanna die") == " i do not want to die "
    assert ENGLISH.view("I’m sad") == " i am sad "


def test_english_spelled_out_letters_are_joined() -> None:
    """Three or more single letters split by separators form one word: d i e, k.m.s."""
    assert ENGLISH.view("i want to d i e") == " i want to die "
    assert ENGLISH.view("k.m.s") == " kms "
    assert ENGLISH.view("I am a b student") == " i am a b student "


def test_english_leetspeak_between_letters_is_read_as_letters() -> None:
    """Digits and symbols inside a word (k1ll, su!c!de) are read as the letters they hide."""
    assert ENGLISH.view("k1ll myself") == " kill myself "
    assert ENGLISH.view("su!c!de") == " suicide "
    assert ENGLISH.view("I ran 5 kms") == " i ran 5 kms "


def test_english_clause_marks_are_boundaries() -> None:
    """Sentence punctuation becomes a `|` token between words."""
    assert ENGLISH.view("No. I want to die!") == " no | i want to die "


@given(st.text(max_size=300))
def test_views_never_fail_and_keep_their_shape(text: str) -> None:
    """Any text gives views without clause marks at the ends and without spaces (Chinese)."""
    zh = zh_view(text)
    assert " " not in zh
    assert not zh.startswith("|")
    assert not zh.endswith("|")
    en = ENGLISH.view(text)
    assert en.startswith(" ")
    assert en.endswith(" ")
    assert "  " not in en


CHINESE = ChineseNormaliser(
    {"俺": "我", "娘": "妈", "姑娘": "姑娘", "紫砂": "自杀", "紫砂壶": "紫砂壶", "啥": "什么"},
    {"wo": "我", "bu": "不", "xiang": "想", "huo": "活", "le": "了", "si": "死", "yisi": "意思"},
    ["真的", "什么", "都"],
)


def test_dialect_words_and_homophones_fold_to_the_listed_spelling() -> None:
    """俺 reads 我, 娘 reads 妈, 紫砂 reads 自杀, while 姑娘 and 紫砂壶 stay themselves."""
    assert CHINESE.view("俺娘不要俺了") == "我妈不要我了"
    assert CHINESE.view("想紫砂") == "想自杀"
    assert CHINESE.view("那个姑娘买了紫砂壶") == "那个姑娘买了紫砂壶"


def test_a_run_of_pinyin_is_read_as_characters_only_when_it_splits_completely() -> None:
    """`wo bu xiang huo le` and woxiangsi become characters; English words stay letters."""
    assert CHINESE.view("wo bu xiang huo le") == "我不想活了"
    assert CHINESE.view("woxiangsi") == "我想死"
    assert CHINESE.view("hello world") == "helloworld"
    assert CHINESE.view("si") == "si"


def test_a_pinyin_sentence_with_everyday_syllables_keeps_its_risk_words() -> None:
    """Everyday syllables around two risk words read as a blank mark; too few risk words
    leave the letters alone, so English and short words such as emo are untouched."""
    rules = RiskRules.load()
    view = rules.views("wo zhen de bu xiang huo le zhe ci bu shi shuo zhe wan de")[0]
    assert view.startswith("我真的不想活了")
    assert UNKNOWN in view
    assert "玩" not in view
    assert rules.views("emo")[0] == "emo"
    assert rules.views("zhong guo ren")[0] == "zhongguoren"
    assert rules.views("what is the least painful way")[0] == "whatistheleastpainfulway"
    assert rules.assess_rules("wo zhen de bu xiang huo le zhe ci bu shi shuo zhe wan de").level == (
        RiskLevel.URGENT
    )


def test_the_compact_view_drops_filler_words_only() -> None:
    """真的 and 什么 disappear from the compact view; meaningful characters stay."""
    assert CHINESE.compact(CHINESE.view("活着没啥意思")) == "活着没意思"
    assert CHINESE.compact(CHINESE.view("我真的不想活了")) == "我不想活了"


def test_english_words_run_together_are_split_into_known_words() -> None:
    """Once the vocabulary is known, `i d o n t w a n t t o l i v e` and iwanttodie split."""
    english = EnglishNormaliser({"dont": "do not"})
    english.learn(["i", "want", "to", "die", "live", "kill", "myself"])
    assert english.view("i d o n t w a n t t o l i v e") == " i do not want to live "
    assert english.view("iwanttodie") == " i want to die "
    assert english.view("therapist") == " therapist "
