"""The onboarding views word each screen as one message model: texts from the content, and
buttons whose data the `ob:` handler decodes."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.callbacks import MAX_BYTES, unpack
from bot.content import ContentBundle, load_content
from bot.domain import PersonStatus, Role
from bot.outgoing import Outgoing
from bot.services.onboarding import Created, Link, Member, Screen, ScreenName, Summary
from bot.views import onboarding as views
from storage.families import Child, Family
from storage.people import Person

CONTENT = Path(__file__).resolve().parents[2] / "content"
BIG_ID = 999_999_999_999  # the largest id a press may carry (12 digits)


@pytest.fixture(scope="module")
def content() -> ContentBundle:
    """The repository's content, loaded once."""
    return load_content(CONTENT)


def person(
    role: Role = Role.CAREGIVER, *, pid: int = BIG_ID, lang: str = "zh", name: str | None = None
) -> Person:
    """A person row as the services return it."""
    return Person(
        id=pid,
        pseudonym="C-AB12" if role is Role.CHILD else "G-AB12",
        role=role,
        telegram_user_id=None,
        chat_id=None,
        display_name=name,
        lang=lang,
        family_id=7,
        status=PersonStatus.PENDING,
        paused=False,
        unreachable_at=None,
    )


def viewer(content: ContentBundle, *, lang: str = "zh", known: bool = True) -> views.Viewer:
    """A screen's viewer: its language, known or not, 30 days of keeping a child's words."""
    return views.Viewer(content, lang, lang, known=known, days=30)


def parts(out: Outgoing) -> list[list[tuple[str, ...]]]:
    """Every button's decoded `ob:` parts, row by row (fails on data the handler refuses)."""
    decoded = []
    for row in out.buttons:
        for _, data in row:
            assert len(data.encode()) <= MAX_BYTES
        decoded.append([unpack(data, views.PREFIX, 3).parts for _, data in row])
    return decoded


def only(messages: list[Outgoing] | None) -> Outgoing:
    """The one message a screen is shown as."""
    assert messages is not None
    assert len(messages) == 1
    return messages[0]


def test_language_screen_offers_each_language_in_its_own_words(content: ContentBundle) -> None:
    """The language question is bilingual and has one button per language, labelled in it."""
    grandma = person()
    out = only(views.screen(viewer(content), Screen(ScreenName.LANG, grandma)))
    assert content.ui("onboarding.lang.prompt", "zh") in out.text
    assert content.ui("onboarding.lang.prompt", "en") in out.text
    assert parts(out) == [[("lang", str(BIG_ID), "zh"), ("lang", str(BIG_ID), "en")]]
    assert out.buttons[0][1][0] == content.ui_label("onboarding.lang.en", "en")


def test_consents_carry_agree_and_decline_for_the_right_person(content: ContentBundle) -> None:
    """Each consent screen has one agree/decline row naming its person (guardian: the child)."""
    grandma, child = person(), person(Role.CHILD, pid=42)
    v = viewer(content)
    caregiver = only(views.screen(v, Screen(ScreenName.CAREGIVER_CONSENT, grandma)))
    guardian = only(views.screen(v, Screen(ScreenName.GUARDIAN_CONSENT, grandma, child=child)))
    own = only(views.screen(v, Screen(ScreenName.CHILD_CONSENT, child)))
    assert parts(caregiver) == [[("cg", str(BIG_ID), "y"), ("cg", str(BIG_ID), "n")]]
    assert parts(guardian) == [[("gd", "42", "y"), ("gd", "42", "n")]]
    assert parts(own) == [[("ch", "42", "y"), ("ch", "42", "n")]]
    assert caregiver.text == content.ui("onboarding.consent.caregiver", "zh", days=30)


def test_screen_without_what_it_needs_is_not_shown(content: ContentBundle) -> None:
    """A guardian screen without its child, or a person screen without a person, gives None."""
    v = viewer(content)
    assert views.screen(v, Screen(ScreenName.GUARDIAN_CONSENT, person())) is None
    assert views.screen(v, Screen(ScreenName.ADDRESS)) is None
    assert views.screen(v, Screen(ScreenName.CHILD_FINISHED, person(Role.CHILD))) is None  # no slot


def test_address_lays_out_two_a_row_with_other_alone(content: ContentBundle) -> None:
    """The forms of address come two to a row, "other" alone on the last one."""
    out = only(views.screen(viewer(content), Screen(ScreenName.ADDRESS, person())))
    assert [len(row) for row in out.buttons] == [2, 2, 2, 1]
    chosen = [p[2] for row in parts(out) for p in row]
    assert tuple(chosen) == views.ADDRESSES


def test_caregiver_finished_welcomes_then_offers_each_handover(content: ContentBundle) -> None:
    """The welcome comes first without buttons, then one hand-over prompt per child."""
    grandma = person(name="奶奶")
    kids = (person(Role.CHILD, pid=5, name="小明"), person(Role.CHILD, pid=6))
    shown = Screen(ScreenName.CAREGIVER_FINISHED, grandma, handover=kids, children_ready=1)
    welcome, *prompts = views.screen(viewer(content), shown) or []
    assert welcome.buttons == ()
    assert content.ui("onboarding.welcome.children_ready", "zh") in welcome.text
    assert [parts(p) for p in prompts] == [[[("hand", "5", "go")]], [[("hand", "6", "go")]]]
    placeholder = content.ui_label("onboarding.child.placeholder", "zh")
    assert "小明" in prompts[0].text
    assert placeholder in prompts[1].text


def test_child_welcome_names_the_checkin_slot(content: ContentBundle) -> None:
    """A finished child reads the weekday and time of their check-in."""
    shown = Screen(ScreenName.CHILD_FINISHED, person(Role.CHILD))
    out = only(views.screen(viewer(content, lang="en"), shown, (5, 10 * 60 + 5)))
    assert "10:05" in out.text
    assert content.ui_label("onboarding.weekday.5", "en") in out.text


def test_link_outcome_for_a_stranger_is_bilingual(content: ContentBundle) -> None:
    """A stranger reads a link's outcome in both languages; a known person in their own."""
    stranger = only(views.screen(viewer(content, known=False), Screen(ScreenName.EXPIRED)))
    known = only(views.screen(viewer(content, lang="en"), Screen(ScreenName.EXPIRED)))
    assert stranger.text == views.both(content, "onboarding.link.expired")
    assert known.text == content.ui("onboarding.link.expired", "en")


def test_volunteer_family_messages_decode(content: ContentBundle) -> None:
    """/newfamily's questions, /family's list and summary, /erase and /deleteme: every `ob:`
    button decodes with the kind its handler expects."""
    family = Family(id=BIG_ID, pseudonym="F-AB12", label="村" * 60, volunteer_id=1, timezone="UTC")
    grandma = person(name="奶奶")
    child = person(Role.CHILD, pid=3)
    settings = Child(
        person_id=3,
        family_id=BIG_ID,
        caregiver_id=grandma.id,
        age_band="10-12",
        shared_phone=True,
        guardian_consent_at=None,
        checkin_weekday=5,
        checkin_minute=600,
        next_due_at=None,
    )
    summary = Summary(
        family,
        "V-AB12",
        (Member(grandma, "agree", None, None), Member(child, None, settings, "agree")),
    )
    invite_row = (("invite", "pa:inv:1:go"),)
    outs = {
        "nf": views.new_family_phone(content, "zh", 9, "村"),
        "age": views.new_family_age(content, "zh", 9),
        "fam": views.family_pick(content, "zh", [family, family]),
        "era": views.erase_question(content, "zh", family, 2),
        "del": views.deleteme_question(content, grandma),
    }
    kinds = {kind: {p[0] for row in parts(out) for p in row} for kind, out in outs.items()}
    assert kinds == {kind: {kind} for kind in outs}
    assert [len(row) for row in outs["fam"].buttons] == [1, 1]
    shown = views.family_summary(content, "en", summary, "PARENTS", invite_row)
    assert shown.buttons[1] == invite_row
    assert unpack(shown.buttons[0][0][1], views.PREFIX, 3).parts == ("fl", str(BIG_ID), "go")
    assert "C-AB12" in shown.text
    assert shown.text.endswith("PARENTS")


def test_links_name_their_last_day(content: ContentBundle) -> None:
    """A new family's link says the day it stops working; the announcement names the family."""
    link = Link("child", "tok", 1_780_000_000, "C-AB12")
    zone = ZoneInfo("Asia/Shanghai")
    out = views.family_link(content, "zh", link, "https://t.me/qiao?start=tok", zone)
    assert "2026-05-29" in out.text  # 20:26 UTC on the 28th is the 29th in Shanghai
    assert "C-AB12" in out.text
    grandma, kid = person(), person(Role.CHILD, pid=3)
    family = Family(1, "F-AB12", "村", None, "UTC")
    created = Created(family, grandma, kid, False, link, None)
    assert "F-AB12" in views.family_created(content, "zh", created).text
