"""A lesson or check-in as the chat would show it, in plain text, for editors to read through.

Each message is set apart, buttons look like `[ 1: label ]`, formatting is shown the way chat
apps hint it (<b>x</b> → *x*), and sample values stand in for names such as the grandparent's.
"""

from __future__ import annotations

from collections.abc import Mapping

import jinja2

from bot.content import telegram_html
from bot.content.models import PRACTICE_ANSWERS, CheckinSet, Lesson, Localized, QuestionType
from bot.content.render import CHECKIN_NAMES, LESSON_NAMES, Renderer, sample_values
from bot.levels import RiskLevel


class _Writer:
    """Collects the preview's lines and renders texts, showing a failure in place of a text."""

    def __init__(self, renderer: Renderer, lang: str, values: Mapping[str, object]) -> None:
        self.renderer = renderer
        self.lang = lang
        self.values = values
        self.lines: list[str] = []
        self.count = 0

    def text(self, text: Localized, *, label: bool = False) -> str:
        try:
            rendered = self.renderer.render(text.get(self.lang), self.values, html=not label)
        except (jinja2.TemplateError, TypeError, ValueError) as exc:
            return f"[cannot show this text ({text.origin}): {exc}]"
        return rendered if label else telegram_html.to_plain(rendered)

    def message(self, what: str = "") -> None:
        self.count += 1
        suffix = f" · {what}" if what else ""
        self.heading(f"message {self.count}{suffix}")

    def heading(self, title: str) -> None:
        self.lines.extend(["", f"── {title} ──"])

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def buttons(self, labels: list[str], *, one_row: bool = False) -> None:
        shown = [f"[ {number}: {label} ]" for number, label in enumerate(labels, start=1)]
        self.lines.extend(["  ".join(shown)] if one_row else shown)


def preview_lesson(lesson: Lesson, lang: str, renderer: Renderer) -> str:
    """The lesson's messages in `lang`, with the feedback each answer gets."""
    out = _Writer(renderer, lang, sample_values(lang, LESSON_NAMES))
    out.add(
        f"Lesson {lesson.id} (version {lesson.version}) · track {lesson.track}, "
        f"lesson {lesson.order} · language {lang}",
        f"Source: {lesson.source}",
    )
    for number, step in enumerate(lesson.steps, start=1):
        out.message(f"step {number}")
        if number == 1:
            out.add(f"*{out.text(lesson.title, label=True)}*", "")
        out.add(out.text(step.text))
        if step.audio is not None:
            out.add(f"(voice message: {step.audio.as_posix()})")
    question = lesson.question
    out.message("question")
    out.add(out.text(question.text))
    out.buttons([out.text(option.label, label=True) for option in question.options])
    for number, option in enumerate(question.options, start=1):
        out.heading(f"after [ {number} ]")
        out.add(out.text(option.feedback))
    out.message("practice for the week")
    out.add(out.text(lesson.practice))
    out.heading("next time, before the next lesson · follow-up")
    out.add(out.text(lesson.follow_up))
    for answer in PRACTICE_ANSWERS:
        out.heading(f"practice tip · {answer.replace('_', ' ')}")
        out.add(out.text(lesson.practice_tips.for_answer(answer)))
    return "\n".join(out.lines) + "\n"


def preview_checkin(checkin: CheckinSet, lang: str, renderer: Renderer) -> str:
    """The check-in's messages in `lang`, with each answer's risk level and reply."""
    out = _Writer(renderer, lang, sample_values(lang, CHECKIN_NAMES))
    out.add(
        f"Check-in {checkin.id} (version {checkin.version}) · for {checkin.audience} · "
        f"language {lang}",
        f"Title: {out.text(checkin.title, label=True)}",
    )
    out.message("intro")
    out.add(out.text(checkin.intro))
    rotating = [
        (q, " · rotating: one of these a week, before the last question") for q in checkin.rotating
    ]
    for question, note in [*((q, "") for q in checkin.questions), *rotating]:
        out.message(f"question {question.id} ({question.type.value}){note}")
        out.add(out.text(question.text))
        if question.type is QuestionType.FREE_TEXT:
            out.add("(the child types an answer)")
            if question.skip_label is not None:
                out.buttons([out.text(question.skip_label, label=True)])
            continue
        labels = [out.text(option.label, label=True) for option in question.options]
        out.buttons(labels, one_row=question.type is QuestionType.MOOD)
        for number, option in enumerate(question.options, start=1):
            out.heading(f"after [ {number} ] · risk {option.risk.label}")
            out.add(out.text(option.reply) if option.reply is not None else "(no reply)")
            if option.risk is RiskLevel.URGENT:
                out.add("(then the crisis message, below)")
            if option.category is not None:
                out.add(f"(alert category: {option.category})")
    out.message("closing")
    out.add(out.text(checkin.closing))
    out.heading("crisis message · sent at once after any urgent answer")
    out.add(out.text(checkin.crisis))
    return "\n".join(out.lines) + "\n"


EMERGENCY_CARD = "emergency.card"
"""The UI string that `qiao content preview emergency` shows."""


def preview_card(text: Localized, lang: str, renderer: Renderer) -> str:
    """A one-message UI text (the emergency card) as the chat shows it."""
    out = _Writer(renderer, lang, {})
    out.add(f"Emergency card · language {lang} · from {text.origin}")
    out.message()
    out.add(out.text(text))
    return "\n".join(out.lines) + "\n"
