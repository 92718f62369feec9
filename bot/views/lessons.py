"""Lesson and follow-through messages in the caregiver's words, with big buttons.

One button per row, "ask a volunteer" on its own row under every lesson message. Callback
data: `ls:…` for lesson buttons (bot.telegram.lessons), `ft:…` for the day to try the
practice and how it went (bot.telegram.follow_through).
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from bot.callbacks import pack
from bot.content import ContentBundle, Lesson, Localized
from bot.outgoing import Outgoing, Row, column
from bot.services import follow_through as through
from bot.services import lessons as svc
from bot.services.lessons import Learner, LessonScreen, Position
from bot.services.schedule import local_time

PREFIX = "ls"
HELP_DATA = pack(PREFIX, "help")
VOICE_PREFIX = "vo"
"""The /voice buttons ("read it to me" on or off): bot.telegram.voice."""
THROUGH_PREFIX = "ft"
"""Follow-through buttons (the day to try, how it went): bot.telegram.follow_through."""


class Frame:
    """Renders lesson texts for one caregiver: their language and the names lessons use."""

    def __init__(self, content: ContentBundle, who: Learner) -> None:
        self.content = content
        self.lang = content.language(who.person.lang)
        self.voice = who.voice
        self.values = {
            "name": who.name or content.ui_label("lessons.default_name", self.lang),
            "child": who.child or content.ui_label("lessons.default_child", self.lang),
        }

    def ui(self, key: str, **values: object) -> str:
        """A UI string as message text."""
        return self.content.ui(key, self.lang, **values)

    def label(self, key: str) -> str:
        """A UI string as a button label or a short answer."""
        return self.content.ui_label(key, self.lang)

    def html(self, text: Localized) -> Markup:
        """A lesson text rendered (values escaped), ready to go into a UI string as it is."""
        # Safe: ContentBundle.render escapes every value and content is checked Telegram HTML.
        return Markup(self.content.render(text, self.lang, **self.values))  # noqa: S704

    def plain(self, text: Localized) -> str:
        """A lesson text as a button label."""
        return self.content.render_label(text, self.lang, **self.values)

    def help_row(self) -> Row:
        """The "ask a volunteer" button, on its own row."""
        return ((self.label("lessons.button.help"), HELP_DATA),)

    def continue_row(self, key: str = "lessons.button.continue") -> Row:
        """The big button that resumes lessons where they stopped."""
        return ((self.label(key), pack(PREFIX, "go")),)

    def message(self, text: str, *rows: Row, voice: Path | None = None) -> Outgoing:
        """A lesson message: `rows`, then "ask a volunteer" under them."""
        return Outgoing(text, (*rows, self.help_row()), voice)


def screen(frame: Frame, position: Position) -> list[Outgoing]:
    """The message(s) that show a position."""
    lesson = position.lesson
    if position.screen is LessonScreen.ALL_DONE or lesson is None:
        return [frame.message(frame.ui("lessons.all_done"))]
    if position.screen is LessonScreen.FOLLOW_UP and position.follow_up_of is not None:
        about = position.follow_up_of
        rows = [
            (
                (
                    frame.label(f"lessons.button.follow_up.{answer}"),
                    pack(PREFIX, "fu", about.id, answer),
                ),
            )
            for answer in svc.FOLLOW_UP_ANSWERS
        ]
        return [
            frame.message(frame.ui("lessons.follow_up", text=frame.html(about.follow_up)), *rows)
        ]
    if position.screen is LessonScreen.STEP:
        step = lesson.steps[position.step]
        text = frame.ui(
            "lessons.step",
            title=frame.html(lesson.title),
            n=position.step + 1,
            total=len(lesson.steps),
            text=frame.html(step.text),
        )
        next_row = (
            (frame.label("lessons.button.next"), pack(PREFIX, "next", lesson.id, position.step)),
        )
        if step.audio is not None and frame.voice:  # the voice note itself carries the text
            return [frame.message(text, next_row, voice=step.audio)]
        if step.audio is not None:
            listen = (
                (
                    frame.label("lessons.button.listen"),
                    pack(PREFIX, "say", lesson.id, position.step),
                ),
            )
            return [frame.message(text, next_row, listen)]
        return [frame.message(text, next_row)]
    if position.screen is LessonScreen.QUESTION:
        question = lesson.question
        rows = [
            ((frame.plain(option.label), pack(PREFIX, "ans", lesson.id, option.id)),)
            for option in question.options
        ]
        return [frame.message(frame.ui("lessons.question", text=frame.html(question.text)), *rows)]
    return [practice(frame, lesson)]


def practice(frame: Frame, lesson: Lesson) -> Outgoing:
    """The week's small task, and when to try it: today, tomorrow or this weekend.

    The day picked finishes the lesson (bot.telegram.follow_through asks later how it went).
    """
    text = frame.ui("lessons.practice", text=frame.html(lesson.practice))
    text += "\n\n" + frame.ui("lessons.plan.prompt")
    rows = [
        (
            (
                frame.label(f"lessons.button.plan.{plan}"),
                pack(THROUGH_PREFIX, "plan", lesson.id, plan),
            ),
        )
        for plan in through.PLANS
    ]
    return frame.message(text, *rows)


def answered(frame: Frame, chosen: svc.Chosen) -> str:
    """The question as it stays in the chat once answered: the choice marked, no buttons."""
    return frame.ui(
        "lessons.question_answered",
        text=frame.html(chosen.lesson.question.text),
        choice=frame.plain(chosen.option.label),
    )


def feedback(frame: Frame, chosen: svc.Chosen) -> list[Outgoing]:
    """What the chosen answer teaches, then the practice task."""
    said = frame.message(frame.ui("lessons.feedback", text=frame.html(chosen.option.feedback)))
    return [said, practice(frame, chosen.lesson)]


def followed_up(frame: Frame, followed: svc.FollowedUp) -> str:
    """Last lesson's follow-up question as it stays in the chat once answered."""
    return frame.ui(
        "lessons.follow_up_answered",
        text=frame.html(followed.about.follow_up),
        choice=frame.label(f"lessons.button.follow_up.{followed.answer}"),
    )


def follow_up_reply(frame: Frame, followed: svc.FollowedUp) -> list[Outgoing]:
    """A warm word on how the practice went, then the new lesson."""
    said = frame.message(frame.ui(f"lessons.follow_up_reply.{followed.answer}"))
    return [said, *screen(frame, followed.position)]


def help_reply(frame: Frame, outcome: svc.HelpOutcome) -> Outgoing:
    """ "Ask a volunteer": asked now, or already waiting for an answer."""
    key = "lessons.help.sent" if outcome is svc.HelpOutcome.RAISED else "lessons.help.already"
    return frame.message(frame.ui(key), frame.continue_row())


def finished(frame: Frame, done: svc.Finished) -> Outgoing:
    """The end of a lesson: an encouraging line, the track's progress, the next lesson."""
    text = frame.ui(
        "lessons.done",
        title=frame.html(done.lesson.title),
        cheer=frame.label(f"lessons.cheer.{done.finished_count % 3}"),
        track=frame.label(f"lessons.track.{done.track.track}"),
        done=done.track.done,
        total=done.track.total,
    )
    if not done.more:
        return frame.message(text + "\n\n" + frame.ui("lessons.done_last"))
    return frame.message(text, frame.continue_row("lessons.button.next_lesson"))


def overview(frame: Frame, view: svc.Overview) -> Outgoing:
    """/lessons: every track with its progress, what comes next, and the continue button."""
    lines = [frame.ui("lessons.overview.header"), ""]
    for track in view.tracks:
        key = (
            "lessons.overview.track_complete"
            if track.done == track.total
            else "lessons.overview.track"
        )
        title = frame.label(f"lessons.track.{track.track}")
        lines.append(frame.ui(key, title=title, done=track.done, total=track.total))
    lines.append("")
    if view.current is not None:
        lines.append(frame.ui("lessons.overview.current", title=frame.html(view.current.title)))
    elif view.upcoming is not None:
        lines.append(frame.ui("lessons.overview.upcoming", title=frame.html(view.upcoming.title)))
    else:
        lines.append(frame.ui("lessons.overview.all_done"))
        return frame.message("\n".join(lines))
    key = "lessons.button.continue" if view.started_any else "lessons.button.start"
    return frame.message("\n".join(lines), frame.continue_row(key))


def nudge(content: ContentBundle, reminder: svc.Nudge) -> Outgoing:
    """A caregiver idle for a while: one gentle reminder with the continue button."""
    lang = content.language(reminder.lang)
    name = reminder.name or content.ui_label("lessons.default_name", lang)
    return Outgoing(
        content.ui("lessons.nudge", lang, name=name),
        (
            ((content.ui_label("lessons.button.continue", lang), pack(PREFIX, "go")),),
            ((content.ui_label("lessons.button.help", lang), HELP_DATA),),
        ),
    )


def voice_setting(content: ContentBundle, lang: str, *, on: bool) -> Outgoing:
    """/voice without a word: whether "read it to me" is on, with two big buttons to switch."""
    return Outgoing(
        content.ui(f"lessons.voice.status.{'on' if on else 'off'}", lang),
        column(
            (content.ui_label(f"lessons.voice.button.{state}", lang), pack(VOICE_PREFIX, state))
            for state in ("on", "off")
        ),
    )


# --- follow-through: the day to try the practice, and how it went ---------------------------


def planned_text(frame: Frame, lesson: Lesson, plan: str) -> str:
    """The practice message as it stays in the chat once a day is picked."""
    marked = frame.ui("lessons.practice", text=frame.html(lesson.practice))
    choice = frame.label(f"lessons.button.plan.{plan}")
    return marked + "\n\n" + frame.ui("lessons.plan.chosen", choice=choice)


def planned(frame: Frame, plan: through.Planned, now: int) -> Outgoing:
    """When Qiao will ask how it went, and the end of the lesson with what comes next."""
    due, today = local_time(plan.due_at, plan.zone), local_time(now, plan.zone).date()
    days = (due.date() - today).days
    if days == 0:
        day = frame.label("lessons.plan.day.today")
    elif days == 1:
        day = frame.label("lessons.plan.day.tomorrow")
    else:
        day = frame.label(f"onboarding.weekday.{due.weekday()}")
    confirm = frame.ui("lessons.plan.confirm", day=day, time=f"{due:%H:%M}")
    done = finished(frame, plan.finished)
    return Outgoing(f"{confirm}\n\n{done.text}", done.buttons)


def ask(frame: Frame, question: through.Ask) -> Outgoing:
    """The question at the chosen time: the task again, and three big answer buttons."""
    text = frame.ui("lessons.through.ask", task=frame.html(question.lesson.practice))
    rows = [
        (
            (
                frame.label(f"lessons.button.through.{answer}"),
                pack(THROUGH_PREFIX, "ans", question.lesson.id, answer),
            ),
        )
        for answer in through.ANSWERS
    ]
    return frame.message(text, *rows)


def asked_text(frame: Frame, done: through.Answered) -> str:
    """The question as it stays in the chat once answered."""
    asked = frame.ui("lessons.through.ask", task=frame.html(done.lesson.practice))
    choice = frame.label(f"lessons.button.through.{done.answer}")
    return asked + "\n\n" + frame.ui("lessons.plan.chosen", choice=choice)


def through_reply(frame: Frame, done: through.Answered) -> Outgoing:
    """The lesson's tip for how it went (a general one where the lesson has none)."""
    tip = through.practice_tip(done.lesson, done.answer)
    # Safe: a UI text is rendered by ContentBundle.ui, which escapes every value it fills in.
    general = Markup(frame.ui(f"lessons.through.tip.{done.answer}"))  # noqa: S704
    text = frame.ui("lessons.through.reply", tip=frame.html(tip) if tip is not None else general)
    return frame.message(text, frame.continue_row())
