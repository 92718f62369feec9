"""The form of address chosen at onboarding, and the emergency card shown right after it."""

from __future__ import annotations

from bot.simtelegram.harness import Harness
from storage import families, people
from storage import lessons as store
from tests.onboarding.flows import create_family, last_text, links_in, register_volunteer

GRANDMA = 1003


async def _join_choosing(h: Harness, address: str, *, lang: str = "中文") -> None:
    """A caregiver opens their link, agrees twice and presses the form of address `address`."""
    await register_volunteer(h)
    caregiver_link, _ = await create_family(h)
    await h.say("grandma", f"/start {caregiver_link}")
    await h.press("grandma", lang)
    await h.press("grandma", 1)
    await h.press("grandma", 1)
    await h.press("grandma", address)
    await h.press("grandma", "我自己看" if lang == "中文" else "I'll read it myself")


def _bot_texts(h: Harness) -> list[str]:
    return [m.plain_text for m in h.sim.bot_messages(GRANDMA)]


async def test_address_buttons_offer_both_regional_forms_for_the_mothers_parents(
    harness: Harness,
) -> None:
    """The address question offers 外婆/外公 and 姥姥/姥爷; 姥姥 is stored as the name."""
    await _join_choosing(harness, "姥姥")
    prompt = next(m for m in harness.sim.bot_messages(GRANDMA) if "怎么称呼您好呢" in m.plain_text)
    assert "姥姥" in prompt.plain_text  # the choice made is marked on the answered prompt
    person = await harness.runtime.db.run(lambda c: people.by_telegram_user(c, GRANDMA))
    assert person is not None
    assert person.display_name == "姥姥"
    assert any(text.startswith("欢迎您，姥姥！") for text in _bot_texts(harness))


async def test_address_keyboard_lists_seven_choices_in_pairs(harness: Harness) -> None:
    """Before answering, the keyboard shows 奶奶 爷爷 / 外婆 外公 / 姥姥 姥爷 / 其他."""
    await register_volunteer(harness)
    caregiver_link, _ = await create_family(harness)
    await harness.say("grandma", f"/start {caregiver_link}")
    await harness.press("grandma", "中文")
    await harness.press("grandma", 1)
    await harness.press("grandma", 1)
    prompt = harness.sim.last_bot_message(GRANDMA)
    assert prompt is not None
    assert [b.text for b in prompt.buttons] == [
        "奶奶",
        "爷爷",
        "外婆",
        "外公",
        "姥姥",
        "姥爷",
        "其他",
    ]


async def test_choosing_other_stores_no_pronoun_as_the_name(harness: Harness) -> None:
    """Choosing "other" stores no name, so lessons say 老人家 where they name the caregiver."""
    await _join_choosing(harness, "其他")
    person = await harness.runtime.db.run(lambda c: people.by_telegram_user(c, GRANDMA))
    assert person is not None
    assert person.display_name is None
    assert any(text.startswith("欢迎您，老人家！") for text in _bot_texts(harness))
    lesson = harness.runtime.content.lesson("stress-rest")
    now = harness.runtime.ts()
    await harness.runtime.db.tx(
        lambda c: store.start(
            c,
            person_id=person.id,
            lesson_id=lesson.id,
            version=lesson.version,
            follow_up_of=None,
            now=now,
        )
    )
    await harness.say("grandma", "/next")
    step = last_text(harness, "grandma")
    assert "老人家，您又下地" in step
    assert "您，您" not in step


async def test_emergency_card_follows_the_welcome_once(harness: Harness) -> None:
    """Right after consent the card with the numbers and their hours follows the welcome, once."""
    await _join_choosing(harness, "奶奶")
    texts = _bot_texts(harness)
    assert texts[-2].startswith("欢迎您，奶奶！")
    card = texts[-1]
    for number in ("110", "120", "119", "12356", "12355"):
        assert number in card
    assert "每天至少18个钟头" in card
    assert "这些信号，要当真" in card
    assert sum("救命电话，请存在手机里" in text for text in texts) == 1
    await harness.say("grandma", "/next")
    assert sum("救命电话，请存在手机里" in text for text in _bot_texts(harness)) == 1


async def test_emergency_command_shows_the_card_again_in_the_persons_language(
    harness: Harness,
) -> None:
    """/emergency shows the card again; an English-speaking caregiver gets it in English."""
    await _join_choosing(harness, "Grandma", lang="English")
    await harness.say("grandma", "/emergency")
    texts = _bot_texts(harness)
    assert texts[-1] == texts[-2]
    assert texts[-1].startswith("🆘 Emergency numbers")
    assert "at least 18 hours a day" in texts[-1]


async def test_emergency_command_from_a_stranger_gives_both_languages(harness: Harness) -> None:
    """Someone without an invitation who sends /emergency gets the card in Chinese and English."""
    await harness.say("stranger", "/emergency")
    card = last_text(harness, "stranger")
    assert card.startswith("🆘 救命电话")
    assert "🆘 Emergency numbers" in card


async def test_caregiver_who_chose_other_is_not_asked_again_on_a_fresh_link(
    harness: Harness,
) -> None:
    """A later link (to agree for a child) skips the address question and shows no second card."""
    await register_volunteer(harness)
    caregiver_link, _ = await create_family(harness)
    await harness.say("grandma", f"/start {caregiver_link}")
    await harness.press("grandma", "中文")
    await harness.press("grandma", 1)  # agrees for herself
    await harness.press("grandma", 2)  # not yet for the child
    await harness.press("grandma", "其他")
    await harness.press("grandma", "我自己看")
    [family] = await harness.runtime.db.run(lambda c: families.newest(c))
    await harness.say("volunteer", f"/family {family.pseudonym}")
    before = len(links_in(harness, "volunteer"))
    await harness.press("volunteer", "生成新链接")
    fresh = links_in(harness, "volunteer")[before:]
    await harness.say("grandma", f"/start {fresh[-1]}")
    await harness.press("grandma", 1)  # now agrees for the child
    texts = _bot_texts(harness)
    assert texts[-1].startswith("欢迎您，老人家！")
    assert sum("怎么称呼您好呢" in text for text in texts) == 1
    assert sum("救命电话，请存在手机里" in text for text in texts) == 1
