"""The lesson views as pure functions: every message is an Outgoing with big buttons."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

from bot.callbacks import MAX_BYTES, unpack
from bot.content import ContentBundle, Lesson, load_content
from bot.domain import PersonStatus, Role
from bot.outgoing import Outgoing
from bot.services import follow_through as through
from bot.services import lessons as svc
from bot.services.lessons import Learner, LessonScreen, Position
from bot.views import lessons as views
from storage.people import Person


@cache
def _content() -> ContentBundle:
    """The repository's content, loaded once for this module."""
    return load_content(Path(__file__).resolve().parents[2] / "content")


def _person(lang: str) -> Person:
    return Person(1, "P-1", Role.CAREGIVER, 11, 11, None, lang, 1, PersonStatus.ACTIVE, False, None)


def _frame(lang: str = "zh", *, voice: bool = False) -> views.Frame:
    return views.Frame(_content(), Learner(_person(lang), "奶奶", "小明", voice))


def _lesson() -> Lesson:
    return _content().lessons[0]


def _every_message(frame: views.Frame) -> list[Outgoing]:
    lesson = _lesson()
    positions = [Position(LessonScreen.STEP, lesson, step) for step in range(len(lesson.steps))] + [
        Position(LessonScreen.QUESTION, lesson),
        Position(LessonScreen.PRACTICE, lesson),
        Position(LessonScreen.FOLLOW_UP, lesson, follow_up_of=lesson),
        Position(LessonScreen.ALL_DONE),
    ]
    messages = [message for position in positions for message in views.screen(frame, position)]
    messages.append(views.nudge(_content(), svc.Nudge(1, 1, "P-1", 11, "zh", "奶奶")))
    messages.append(views.voice_setting(_content(), frame.lang, on=True))
    return messages


def test_every_lesson_message_ends_with_ask_a_volunteer_on_its_own_row() -> None:
    """Each lesson screen's last row is the single "ask a volunteer" button."""
    frame = _frame()
    for message in _every_message(frame)[:-1]:  # /voice has only its two switches
        assert message.buttons[-1] == frame.help_row()


def test_every_button_is_big_and_its_data_decodes_within_telegram_s_limit() -> None:
    """One button per row, and every callback data fits 64 bytes and decodes strictly."""
    for message in _every_message(_frame()):
        assert message.text
        for row in message.buttons:
            assert len(row) == 1
            label, data = row[0]
            assert label
            assert len(data.encode()) <= MAX_BYTES
            prefix = data.split(":", 1)[0]
            assert unpack(data, prefix, data.count(":")).prefix == prefix


def test_a_recorded_step_goes_as_voice_only_when_read_it_to_me_is_on() -> None:
    """With voice mode on, a step with a recording carries that file and no listen button."""
    plain = _lesson()
    recorded = replace(plain.steps[0], audio=Path("step-1.ogg"))
    lesson = replace(plain, steps=(recorded, *plain.steps[1:]))
    step = 0
    position = Position(LessonScreen.STEP, lesson, step)
    [spoken] = views.screen(_frame(voice=True), position)
    [written] = views.screen(_frame(voice=False), position)
    assert spoken.voice == lesson.steps[step].audio
    assert written.voice is None
    assert len(written.buttons) == len(spoken.buttons) + 1  # the 🔊 listen row


def test_the_practice_offers_each_plan_and_the_ask_each_answer() -> None:
    """The practice task has a button per plan; the later question one per answer."""
    frame, lesson = _frame("en"), _lesson()
    plans = [
        unpack(row[0][1], "ft", 3).parts[2] for row in views.practice(frame, lesson).buttons[:-1]
    ]
    assert tuple(plans) == through.PLANS
    ask = through.Ask(lesson, Learner(_person("en"), None, None), 11)
    answers = [unpack(row[0][1], "ft", 3).parts[2] for row in views.ask(frame, ask).buttons[:-1]]
    assert tuple(answers) == through.ANSWERS
