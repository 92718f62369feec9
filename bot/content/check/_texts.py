"""Every text in every language: present, compiling, rendering, Telegram HTML, length."""

from __future__ import annotations

from collections.abc import Iterator

import jinja2

from bot.content import telegram_html
from bot.content.check._measure import (
    LABEL,
    MESSAGE,
    MESSAGE_LIMIT,
    REPLY,
    TITLE,
    Inspection,
    Limit,
    Text,
    is_cjk,
    reading_seconds,
)
from bot.content.models import (
    PRACTICE_ANSWERS,
    REQUIRED_LANGUAGES,
    Origin,
)
from bot.content.problems import Problem
from bot.content.render import CHECKIN_NAMES, LESSON_NAMES, sample_values


def texts_of(found: Inspection) -> Iterator[Text]:
    """Every text a person sees, with the rules that apply to it."""
    for lesson in found.lessons:
        names = LESSON_NAMES
        yield Text("title", lesson.title, names, "title", TITLE)
        step_limit = Limit(found.step_limit, "Chinese characters", 60, "words", timed=True)
        for number, step in enumerate(lesson.steps, start=1):
            yield Text(f"step {number} text", step.text, names, "html", step_limit)
        yield Text("question text", lesson.question.text, names, "html", MESSAGE)
        for option in lesson.question.options:
            where = f"option '{option.id}'"
            yield Text(f"{where} label", option.label, names, "label", LABEL)
            yield Text(f"{where} feedback", option.feedback, names, "html", MESSAGE)
        yield Text("practice", lesson.practice, names, "html", MESSAGE)
        yield Text("follow_up", lesson.follow_up, names, "html", MESSAGE)
        tips = lesson.practice_tips
        for outcome in PRACTICE_ANSWERS:
            tip = tips.for_answer(outcome)
            yield Text(f"practice_tips {outcome}", tip, names, "html", MESSAGE)
    for checkin in found.checkins:
        names = CHECKIN_NAMES
        yield Text("title", checkin.title, names, "title", TITLE)
        yield Text("intro", checkin.intro, names, "html", MESSAGE)
        for question in (*checkin.questions, *checkin.rotating):
            where = f"question '{question.id}'"
            yield Text(f"{where} text", question.text, names, "html", MESSAGE)
            for answer in question.options:
                named = f"{where} option '{answer.id}'"
                yield Text(f"{named} label", answer.label, names, "label", LABEL)
                if answer.reply is not None:
                    yield Text(f"{named} reply", answer.reply, names, "html", REPLY)
            if question.skip_label is not None:
                yield Text(f"{where} skip_label", question.skip_label, names, "label", LABEL)
        yield Text("closing", checkin.closing, names, "html", MESSAGE)
        yield Text("crisis", checkin.crisis, names, "html", None)
    for key, text in found.ui.items():
        yield Text(key, text, None, "html", None)


def languages_of(texts: list[Text]) -> tuple[str, ...]:
    """zh and en first, then every other language used anywhere, alphabetically."""
    others = {lang for t in texts for lang in t.text.languages} - set(REQUIRED_LANGUAGES)
    return (*REQUIRED_LANGUAGES, *sorted(others))


def check_languages(found: Inspection, texts: list[Text]) -> None:
    """A language used anywhere must be used everywhere, or some people would see holes."""
    first_use: dict[str, Origin] = {}
    for t in texts:
        for lang in t.text.languages:
            first_use.setdefault(lang, Origin(t.text.origin.file, t.text.line_of(lang)))
    for t in texts:
        for lang in found.languages:
            if lang in t.text:
                continue
            hint = (
                ""
                if lang in REQUIRED_LANGUAGES
                else f" (the language '{lang}' is used at {first_use[lang]})"
            )
            found.problems.append(
                Problem(
                    t.text.origin.file,
                    t.text.origin.line,
                    f"{t.where}: missing '{lang}' text{hint}",
                )
            )


def check_templates(found: Inspection, texts: list[Text]) -> None:
    """Each text compiles, uses only the names it may, renders, and fits Telegram."""
    for t in texts:
        for lang in t.text.languages:
            rendered = _render_sample(found, t, lang)
            if rendered is None:
                continue
            line = t.text.line_of(lang)
            for message in _shape_problems(t, lang, rendered):
                found.problems.append(
                    Problem(t.text.origin.file, line, f"{t.where} ({lang}): {message}")
                )


def _render_sample(found: Inspection, t: Text, lang: str) -> str | None:
    """Render one language of a text with sample values; None (problem recorded) if it fails."""
    source = t.text[lang]
    file, line = t.text.origin.file, t.text.line_of(lang)
    where = f"{t.where} ({lang})"
    renderer = found.renderer
    try:
        renderer.compile(source, html=t.kind != "label")
        used = renderer.names(source)
    except jinja2.TemplateSyntaxError as exc:
        found.problems.append(Problem(file, line, f"{where}: template error: {exc.message}"))
        return None
    if t.names is None:
        return _render_ui(found, t, lang, used)
    unknown = sorted(used - set(t.names))
    for name in unknown:
        allowed = ", ".join(t.names)
        found.problems.append(
            Problem(file, line, f"{where}: unknown name '{name}' (this text may use: {allowed})")
        )
    if unknown:
        return None
    try:
        return renderer.render(source, sample_values(lang, t.names), html=t.kind != "label")
    except jinja2.TemplateError as exc:
        found.problems.append(Problem(file, line, f"{where}: cannot render: {exc}"))
        return None


def _render_ui(found: Inspection, t: Text, lang: str, used: frozenset[str]) -> str | None:
    """UI strings may use any names, but a translation must not need names the zh text does not."""
    zh = t.text.texts.get("zh")
    if lang != "zh" and zh is not None:
        try:
            extra = sorted(used - found.renderer.names(zh))
        except jinja2.TemplateSyntaxError:
            extra = []
        if extra:
            found.problems.append(
                Problem(
                    t.text.origin.file,
                    t.text.line_of(lang),
                    f"{t.where} ({lang}): uses {', '.join(extra)}, which the zh text does not use "
                    "(the bot may not pass it)",
                )
            )
    try:
        return found.renderer.render(t.text[lang], dict.fromkeys(used, "x"))
    except (jinja2.TemplateError, TypeError, ValueError):
        return None  # the sample value does not suit this template; its callers' tests cover it


def _shape_problems(t: Text, lang: str, rendered: str) -> list[str]:
    """HTML validity and length of one rendered text."""
    problems: list[str] = []
    if t.kind == "label":
        if telegram_html.has_markup(rendered):
            problems.append("a button cannot use HTML tags or entities; write plain text")
        visible = rendered
    else:
        if t.kind == "title" and telegram_html.has_markup(rendered):
            problems.append("a title cannot use HTML tags or entities; write plain text")
        problems.extend(telegram_html.validate(rendered))
        visible = telegram_html.visible_text(rendered)
    if not visible.strip():
        problems.append("is empty")

    if t.limit is not None:
        count, maximum, unit = t.limit.measure(lang, visible)
        if count > maximum:
            timed = ""
            if t.limit.timed and is_cjk(lang):
                timed = f" (about {reading_seconds(count)} s to read)"
            problems.append(f"is too long: {count} {unit}{timed}, at most {maximum}")
    elif len(visible) > MESSAGE_LIMIT:
        problems.append(f"is too long: {len(visible)} characters, Telegram allows {MESSAGE_LIMIT}")
    return problems
