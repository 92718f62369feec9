"""The shipped phrase lists: what must raise an alert, what must not, and how negation works."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.levels import RiskLevel
from bot.risk import default_rules

URGENT = [
    "不想活了",
    "我想死",
    "我想自杀",
    "我想割腕",
    "我想跳楼",
    "活着没意思",
    "我想结束自己的生命",
    "我刚才拿刀划自己",
    "我用圆规扎自己",
    "我在攒安眠药",
    "我想喝农药",
    "爸爸打我，打得我流血了",
    "爷爷天天打我",
    "叔叔摸我下面",
    "那个人让我脱衣服",
    "他不让我告诉别人，还摸我",
    "家里没人好几天了",
    "没饭吃",
    "我不想活了",
    "不是开玩笑，我真的想死",
    "I want to die",
    "kms",
    "unalive",
    "I just want to end it all",
    "I cut myself",
]

COLLOQUIAL = [
    "累死了",
    "笑死",
    "笑死我了",
    "想死你了",
    "热死了",
    "难死了",
    "气死我了",
    "饿死了",
    "困死了",
    "吓死我了",
    "烦死了",
    "我们是死党",
    "电脑死机了",
    "作业多得要死",
    "this homework is killing me",
    "I'm dying of laughter",
    "dead tired",
    "I could kill for a pizza",
]

CONCERN = [
    "我被同学打了",
    "他们骂我",
    "他们抢我东西",
    "班上的人孤立我",
    "没人跟我玩",
    "they push me",
    "they took my money",
    "好孤单",
    "没人说话",
    "想爸爸妈妈想得睡不着",
]


def level(text: str) -> RiskLevel:
    return default_rules().assess_text(text).level


@pytest.mark.parametrize("text", URGENT)
def test_intent_plans_means_abuse_and_neglect_are_urgent(text: str) -> None:
    """Each phrase the brief lists as a must-catch is assessed urgent."""
    assert level(text) == RiskLevel.URGENT


@pytest.mark.parametrize("text", COLLOQUIAL)
def test_colloquial_death_words_raise_nothing_above_watch(text: str) -> None:
    """死 as an intensifier, and English idioms about dying, stay at watch or below."""
    assert level(text) <= RiskLevel.WATCH


@pytest.mark.parametrize("text", COLLOQUIAL[:14])
def test_chinese_intensifiers_raise_nothing_at_all(text: str) -> None:
    """The everyday Chinese intensifiers raise no level at all, not even watch."""
    assert level(text) == RiskLevel.NONE


@pytest.mark.parametrize("text", CONCERN)
def test_bullying_and_loneliness_are_concern(text: str) -> None:
    """Bullying by peers and strong loneliness reach a volunteer the same day."""
    assert level(text) == RiskLevel.CONCERN


def test_negation_before_the_phrase_lowers_suicide_to_concern() -> None:
    """我不想死，只是有点累 is concern with a machine-readable `negated:` code."""
    assessment = default_rules().assess_text("我不想死，只是有点累")
    assert assessment.level == RiskLevel.CONCERN
    assert assessment.reasons[0].category == "suicide"
    assert assessment.reasons[0].code.startswith("negated:")


def test_english_negation_lowers_suicide_to_concern() -> None:
    """ "I don't want to die, I'm just tired" is concern, not urgent."""
    assert level("I don't want to die, I'm just tired") == RiskLevel.CONCERN
    assert level("I would never kill myself, don't worry") == RiskLevel.CONCERN


def test_negation_that_is_part_of_the_phrase_stays_urgent() -> None:
    """不想活 carries its own negation, and a negation in another clause changes nothing."""
    assert level("我不想活了") == RiskLevel.URGENT
    assert level("不是开玩笑，我真的想死") == RiskLevel.URGENT
    assert level("I'm not joking, I want to die") == RiskLevel.URGENT


def test_a_later_unnegated_mention_wins_over_an_earlier_negated_one() -> None:
    """我不想死……可是我真的想死 is urgent: one plain statement is enough."""
    assert level("我不想死，可是我真的想死") == RiskLevel.URGENT


def test_an_exception_only_cancels_the_phrase_it_overlaps() -> None:
    """想死你了 is affection, but a separate 想死 later in the message still counts."""
    assert level("想死你了妈妈") == RiskLevel.NONE
    assert level("想死你了妈妈，可是我每天都想死") == RiskLevel.URGENT


def test_pinyin_traditional_and_spacing_variants_are_urgent() -> None:
    """自sha, zisha, 自s, 不想huo了, si了算了, 我想自殺 and 不 想 活 are all urgent."""
    for text in (
        "自sha",
        "zisha",
        "我想自s",
        "不想huo了",
        "si了算了",
        "我想自殺",
        "不 想 活",
        "想😭死",
    ):
        assert level(text) == RiskLevel.URGENT, text


def test_farming_pesticide_is_not_a_means_but_drinking_it_is() -> None:
    """打农药 is farm work; 喝农药 is a method."""
    assert level("爷爷在地里打农药") == RiskLevel.NONE
    assert level("我想喝农药") == RiskLevel.URGENT


def test_reasons_name_category_code_and_rule_never_the_message() -> None:
    """A reason holds a category, a `phrase:` code and a rule id, never the child's words."""
    text = "我叫小明，住在三号楼，我想死"
    assessment = default_rules().assess_text(text)
    assert assessment.primary_category == "suicide"
    for reason in assessment.reasons:
        assert re.fullmatch(r"(phrase|negated):.+", reason.code)
        assert re.fullmatch(r"[a-z]+\.[a-z_]+\.[a-z_0-9]+", reason.evidence)
        assert "小明" not in reason.code + reason.evidence


def test_abuse_outranks_a_lower_reason_as_the_primary_category() -> None:
    """With bullying (concern) and abuse (urgent) in one message, the label is the abuse."""
    assessment = default_rules().assess_text("同学骂我，叔叔摸我下面")
    assert assessment.level == RiskLevel.URGENT
    assert assessment.primary_category == "abuse_sexual"


SEPARATORS = st.sampled_from([" ", ".", "。", "，", "😭", "~", "…", "\u200b", "-", "!!"])


@settings(max_examples=60, deadline=None)
@given(phrase=st.sampled_from(["我想死", "不想活了", "我想自杀", "我想割腕"]), data=st.data())
def test_anything_between_the_characters_keeps_a_phrase_urgent(
    phrase: str, data: st.DataObject
) -> None:
    """Spaces, punctuation and emoji inserted between characters never hide a phrase."""
    seps = data.draw(st.lists(SEPARATORS, min_size=len(phrase) - 1, max_size=len(phrase) - 1))
    text = phrase[0] + "".join(s + c for s, c in zip(seps, phrase[1:], strict=True))
    assert level(text) == RiskLevel.URGENT


INTENSIFIED = st.sampled_from(
    ["累", "热", "冷", "笑", "气", "饿", "困", "烦", "吓", "难", "忙", "渴"]
)
ENDINGS = st.sampled_from(["死了", "死我了", "死人了", "死啦", "得要死", "死了吧"])


@settings(max_examples=60, deadline=None)
@given(
    word=INTENSIFIED, ending=ENDINGS, prefix=st.sampled_from(["", "今天", "我快", "真是", "哈哈"])
)
def test_intensifier_forms_never_raise_an_alert(word: str, ending: str, prefix: str) -> None:
    """Any adjective + 死了/死我了/得要死 stays at watch or below."""
    assert level(prefix + word + ending) <= RiskLevel.WATCH


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gets_an_assessment_without_echoing_it(text: str) -> None:
    """Arbitrary input never crashes the rules, and reasons never contain the raw text."""
    assessment = default_rules().assess_text(text)
    assert assessment.level in RiskLevel
    for reason in assessment.reasons:
        assert len(text) < 8 or text not in reason.code + reason.evidence


@pytest.mark.parametrize(
    "text",
    [
        "俺不想活了",
        "咋活都没意思，想紫砂",
        "wo bu xiang huo le",
        "真想4了算了",
        "鼠鼠我啊，真的不想活了",
        "i d o n t w a n t t o l i v e",
    ],
)
def test_dialect_homophones_pinyin_and_spelled_letters_reach_the_rules(text: str) -> None:
    """俺, 咋, 紫砂, whole-pinyin sentences, 4 for 死 and spelled-out English stay urgent."""
    assert level(text) == RiskLevel.URGENT


@pytest.mark.parametrize(
    "text",
    [
        "想去水库那边跳下去",
        "俺家有敌敌畏，我想喝了它",
        "我走了以后你们会好过点吧",
        "美工刀我一直放在书包里，想哪天用它结束",
        "手上的伤口被奶看见了，我说是猫抓的",
        "继父掐着我脖子往墙上撞",
        "有人在QQ上说要把我的照片发出去，除非我再发几张",
        "爷爷去打工了奶奶也走了，晚上就我自己在家，没电，好怕",
        "everyone would be better off if i was gone",
    ],
)
def test_structural_rules_catch_wording_no_list_spells_out(text: str) -> None:
    """Self + wish + death, means + act, abuser + violence + me, alone + carers gone: urgent."""
    assert level(text) == RiskLevel.URGENT


@pytest.mark.parametrize(
    "text",
    [
        "我想4点起床",
        "电视剧里有人自杀了，好吓人",
        "看新闻说有个人跳楼了，好可怕",
        "我帮奶奶找她的安眠药，她睡不着",
        "爷爷用绳子把柴捆起来",
        "美术课用美工刀刻橡皮章",
        "我用打火机点了蜡烛",
        "热得我想跳河里凉快凉快",
        "考试结束了，终于解脱了",
        "我死也不吃香菜",
        "i'd rather die than eat spinach lol",
    ],
)
def test_risk_words_in_ordinary_messages_page_no_one(text: str) -> None:
    """Passing mentions of death, means and fiction stay at watch or below."""
    assert level(text) <= RiskLevel.WATCH


def test_an_unexplained_death_word_reaches_a_volunteer_the_same_day() -> None:
    """A 死 that no everyday reading explains is concern through the safety net."""
    assessment = default_rules().assess_text("死这个字一直在我脑子里转")
    assert assessment.level == RiskLevel.CONCERN
    assert assessment.reasons[0].evidence == "zh.net.death_word"


def test_an_adult_hitting_the_child_is_urgent_but_a_scolding_threat_is_not() -> None:
    """妈妈打我 is an abuse disclosure; 再玩手机就打断你的腿 is a common scolding (watch)."""
    assert level("妈妈打我") == RiskLevel.URGENT
    assert level("我爸说我再玩手机就打断我的腿") == RiskLevel.WATCH
