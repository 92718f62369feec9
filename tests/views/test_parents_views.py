"""The parents' views (bot.views.parents): texts and buttons built from the shipped content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.callbacks import MAX_BYTES, unpack
from bot.content import ContentBundle, load_content
from bot.domain import PersonStatus, Role
from bot.outgoing import Buttons, Outgoing
from bot.services import onboarding
from bot.services import parents as svc
from bot.services.onboarding import ScreenName
from bot.services.parent_calls import Reminder, Shared
from bot.views import parents as views
from storage.families import Family
from storage.parents import Settings
from storage.people import Person

CONTENT = Path(__file__).resolve().parents[2] / "content"
BIG = 999_999_999_999
"""The largest id a press may carry (bot.callbacks: twelve digits)."""
NOW = 1_780_000_000


@pytest.fixture(scope="module")
def content() -> ContentBundle:
    """The repository's content, loaded once."""
    return load_content(CONTENT)


def person(
    role: Role = Role.PARENT, status: PersonStatus = PersonStatus.ACTIVE, lang: str = "zh"
) -> Person:
    """A person with the largest id a press may carry."""
    return Person(BIG, "P-TST1", role, BIG, BIG, None, lang, BIG, status, False, None)


def settings(quiet_start: int = 21 * 60, quiet_end: int = 8 * 60) -> Settings:
    """A parent's settings with these quiet hours and no slot yet."""
    return Settings(BIG, "Asia/Shanghai", quiet_start, quiet_end, None, None, None)


def presses(buttons: Buttons) -> list[tuple[str, ...]]:
    """Every button's data decoded as a `pa:` press (raises on anything else)."""
    found = []
    for row in buttons:
        for _label, data in row:
            assert len(data.encode()) <= MAX_BYTES
            found.append(unpack(data, views.PREFIX, 3).parts)
    return found


def labels(buttons: Buttons) -> list[str]:
    """Every button's label, row by row."""
    return [label for row in buttons for label, _data in row]


def test_the_call_day_is_seven_weekdays_four_to_a_row(content: ContentBundle) -> None:
    """The weekly-call day question offers Monday to Sunday in rows of four, then three."""
    out = views.day_prompt(content, "zh", "sday")
    assert [len(row) for row in out.buttons] == [4, 3]
    assert presses(out.buttons) == [("sday", "0", str(d)) for d in range(7)]
    assert labels(out.buttons)[6] == content.ui_label("onboarding.weekday.6", "zh")


def test_call_times_skip_quiet_hours_four_to_a_row(content: ContentBundle) -> None:
    """Only call times outside the parent's quiet hours are offered, each labelled HH:MM."""
    setting = settings(quiet_start=21 * 60, quiet_end=8 * 60)
    out = views.time_prompt(content, "en", setting, "stime", 3)
    minutes = svc.allowed_minutes(setting)
    assert 21 * 60 not in minutes
    assert 20 * 60 in minutes
    assert all(len(row) <= 4 for row in out.buttons)
    assert presses(out.buttons) == [("stime", "3", str(m)) for m in minutes]
    assert labels(out.buttons) == [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]
    assert out.text == content.ui("parents.time.prompt", "en")


def test_join_questions_have_their_layouts(content: ContentBundle) -> None:
    """Consent shows two buttons side by side; the quiet-hour choices, longer, one per row."""
    parent = person(status=PersonStatus.PENDING)
    consent = views.join_screen(content, svc.Step(ScreenName.PARENT_CONSENT, parent))
    quiet = views.join_screen(content, svc.Step(ScreenName.PARENT_QUIET, parent))
    assert consent is not None
    assert quiet is not None
    assert presses(consent.buttons) == [("ok", "0", "y"), ("ok", "0", "n")]
    assert len(consent.buttons) == 1
    assert [len(row) for row in quiet.buttons] == [1] * len(svc.QUIET)


def test_join_screens_without_a_question_have_no_buttons(content: ContentBundle) -> None:
    """A declined or finished join is a plain message; an unknown screen shows nothing."""
    parent = person()
    setting = Settings(BIG, "Asia/Tokyo", 21 * 60, 8 * 60, 6, 20 * 60, None)
    declined = views.join_screen(content, svc.Step(ScreenName.PARENT_DECLINED, parent))
    done = views.join_screen(content, svc.Step(ScreenName.PARENT_DONE, parent, setting))
    assert declined is not None
    assert declined.buttons == ()
    assert done is not None
    assert done.buttons == ()
    assert "20:00" in done.text
    assert views.join_screen(content, svc.Step(ScreenName.PARENT_TIME, parent)) is None
    assert (
        views.join_screen(content, svc.Step(ScreenName.USED, parent)) is None
    )  # not a join screen


def test_the_language_question_offers_every_language(content: ContentBundle) -> None:
    """The first join screen asks in both languages and offers each language as a press."""
    out = views.link_screen(content, "parent_lang", person())
    assert out is not None
    assert [p[2] for p in presses(out.buttons)] == list(onboarding.LANGUAGES)
    assert views.link_screen(content, "caregiver_lang", person()) is None


def test_the_reminder_asks_with_two_buttons_and_stores_as_json(content: ContentBundle) -> None:
    """The reminder has "talked" and "not talked" side by side, and survives the outbox's JSON."""
    item = Reminder(BIG, "2026-W49", "6-9", "12-02", [Shared("小明", "🙂")])
    out = views.reminder(content, person(), item, NOW)
    assert presses(out.buttons) == [
        ("talk", str(BIG), "y.2026-W49"),
        ("talk", str(BIG), "n.2026-W49"),
    ]
    assert "小明" in out.text
    assert "🙂" in out.text
    stored = json.loads(json.dumps({"buttons": out.buttons}))["buttons"]
    assert stored == [[list(b) for b in row] for row in out.buttons]


def test_sharing_offers_the_opposite_of_its_state(content: ContentBundle) -> None:
    """With sharing on, the one button turns it off, and the other way round."""
    child = person(role=Role.CHILD, lang="en")
    on = views.sharing(content, child, on=True)
    off = views.sharing(content, child, on=False)
    assert presses(on.buttons) == [("share", str(BIG), "off")]
    assert presses(off.buttons) == [("share", str(BIG), "on")]
    assert labels(on.buttons) == [content.ui_label("parents.sharing.button.off", "en")]


def test_the_call_offer_lists_only_active_parents(content: ContentBundle) -> None:
    """Each active parent gets their own row; a family with none gets no offer at all."""
    active, pending = person(), person(status=PersonStatus.PENDING)
    out = views.call_offer(content, "zh", BIG, [(active, "mother"), (pending, "father")])
    assert isinstance(out, Outgoing)
    assert presses(out.buttons) == [("ask", str(BIG), str(BIG))]
    assert "P-TST1" in labels(out.buttons)[0]
    assert views.call_offer(content, "zh", BIG, [(pending, "father")]) is None


def test_call_status_and_invite_buttons(content: ContentBundle) -> None:
    """The delivery status carries a "delivered?" press; the invite button names its family."""
    status = views.call_status(content, "en", BIG, person(), "dead")
    assert presses(status.buttons) == [("st", str(BIG), str(BIG))]
    assert content.ui_label("parents.ask.status.dead", "en") in status.text
    family = Family(BIG, "F-TST9", "village", None, "Asia/Shanghai")
    invite = views.caregiver_family(content, "zh", family)
    assert presses(invite.buttons) == [("inv", str(BIG), "go")]


def test_a_changed_call_time_names_the_weekday_and_time(content: ContentBundle) -> None:
    """/calltime's confirmation names the new day and the time as HH:MM, with no buttons."""
    out = views.slot_changed(content, "en", 2, 19 * 60 + 5)
    assert content.ui_label("onboarding.weekday.2", "en") in out.text
    assert "19:05" in out.text
    assert out.buttons == ()
