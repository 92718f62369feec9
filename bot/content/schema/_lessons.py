"""The shape of a lesson file: steps, the question, options and practice tips."""

from __future__ import annotations

from pathlib import Path

from bot.content.audio import conventional_path
from bot.content.loader import YMap, YNode
from bot.content.models import (
    PRACTICE_ANSWERS,
    TRACKS,
    Lesson,
    LessonOption,
    LessonQuestion,
    PracticeTips,
    Step,
)
from bot.content.schema._reader import (
    ITEM_ID,
    ITEM_ID_RULE,
    MAX_LESSON_OPTIONS,
    MAX_STEPS,
    MIN_LESSON_OPTIONS,
    MIN_STEPS,
    OPTION_ID,
    OPTION_ID_RULE,
    Reader,
    choices,
    field_value,
    located,
    required_field,
)


def build_lesson(tree: YNode, reader: Reader, root: Path) -> Lesson | None:
    """A lesson from one file's tree, or None (with problems recorded) if its shape is wrong."""
    node = reader.fields(
        tree,
        "",
        (
            "id",
            "version",
            "track",
            "order",
            "source",
            "title",
            "steps",
            "question",
            "practice",
            "follow_up",
            "practice_tips",
        ),
    )
    if node is None:
        return None
    before = len(reader.problems)
    lesson_id = required_field(
        node, "id", "", lambda n, w: reader.identifier(n, w, ITEM_ID, ITEM_ID_RULE)
    )
    version = required_field(node, "version", "", reader.integer)
    track = required_field(node, "track", "", reader.text)
    track_node = field_value(node, "track")
    if track is not None and track not in TRACKS and track_node is not None:
        reader.add(track_node.line, "track", f"'{track}' is not a track{choices(track, TRACKS)}")
    order = required_field(node, "order", "", reader.integer)
    source = required_field(node, "source", "", reader.text)
    title = required_field(node, "title", "", reader.localized)
    steps = _steps(node, reader, root, lesson_id)
    question = _lesson_question(node, reader)
    practice = required_field(node, "practice", "", reader.localized)
    follow_up = required_field(node, "follow_up", "", reader.localized)
    tips = _practice_tips(node, reader)
    if (
        len(reader.problems) > before
        or lesson_id is None
        or version is None
        or track is None
        or order is None
        or source is None
        or title is None
        or steps is None
        or question is None
        or practice is None
        or follow_up is None
        or tips is None
    ):
        return None
    return Lesson(
        lesson_id,
        version,
        track,
        order,
        " ".join(source.split()),
        title,
        steps,
        question,
        practice,
        follow_up,
        tips,
        reader.origin(node),
    )


def _practice_tips(node: YMap, reader: Reader) -> PracticeTips | None:
    """The three answers to "how did the practice go?": went_well, hard, not_tried."""
    tips_node = field_value(node, "practice_tips")
    if tips_node is None:
        return None
    tips = reader.fields(tips_node, "practice_tips", PRACTICE_ANSWERS)
    if tips is None:
        return None
    texts = [
        required_field(tips, name, "practice_tips", reader.localized) for name in PRACTICE_ANSWERS
    ]
    went_well, hard, not_tried = texts
    if went_well is None or hard is None or not_tried is None:
        return None
    return PracticeTips(went_well, hard, not_tried, reader.origin(tips))


def _steps(
    node: YMap, reader: Reader, root: Path, lesson_id: str | None = None
) -> tuple[Step, ...] | None:
    seq_node = field_value(node, "steps")
    if seq_node is None:
        return None
    seq = reader.sequence(seq_node, "steps")
    if seq is None:
        return None
    if not MIN_STEPS <= len(seq.items) <= MAX_STEPS:
        reader.add(
            seq.line,
            "steps",
            f"a lesson needs {MIN_STEPS} to {MAX_STEPS} steps, this one has {len(seq.items)}",
        )
    steps: list[Step] = []
    for number, item in enumerate(seq.items, start=1):
        where = f"step {number}"
        step = reader.fields(item, where, ("text",), ("audio",), "a mapping with text (and audio)")
        if step is None:
            continue
        text = required_field(step, "text", where, reader.localized)
        audio = None
        audio_node = field_value(step, "audio")
        if audio_node is not None:
            rel = reader.text(audio_node, f"{where} audio")
            audio = root / rel if rel is not None else None
        elif lesson_id is not None:  # by convention: audio/<lesson id>/<step>.ogg
            found = conventional_path(root, lesson_id, number)
            audio = found if found.is_file() else None
        if text is not None:
            steps.append(Step(text, audio, reader.origin(step)))
    return tuple(steps)


def _lesson_question(node: YMap, reader: Reader) -> LessonQuestion | None:
    q_node = field_value(node, "question")
    if q_node is None:
        return None
    question = reader.fields(q_node, "question", ("text", "options"))
    if question is None:
        return None
    text = required_field(question, "text", "question", reader.localized)
    options_node = field_value(question, "options")
    options: list[LessonOption] = []
    seq = reader.sequence(options_node, "question options") if options_node is not None else None
    if seq is not None:
        if not MIN_LESSON_OPTIONS <= len(seq.items) <= MAX_LESSON_OPTIONS:
            reader.add(
                seq.line,
                "question options",
                f"a question needs {MIN_LESSON_OPTIONS} to {MAX_LESSON_OPTIONS} options, "
                f"this one has {len(seq.items)}",
            )
        seen: dict[str, int] = {}
        for number, item in enumerate(seq.items, start=1):
            option = _lesson_option(item, number, reader, seen)
            if option is not None:
                options.append(option)
    if text is None or seq is None:
        return None
    return LessonQuestion(text, tuple(options), reader.origin(question))


def read_option_id(
    node: YMap, prefix: str, number: int, reader: Reader, seen: dict[str, int]
) -> tuple[str | None, str]:
    """Read an option's id, check it is unique in its question, and name the option by it."""
    where = located(prefix, f"option {number}")
    option_id = required_field(
        node, "id", where, lambda n, w: reader.identifier(n, w, OPTION_ID, OPTION_ID_RULE)
    )
    if option_id is None:
        return None, where
    id_line = node.entries["id"].value.line
    if option_id in seen:
        reader.add(
            id_line, where, f"id '{option_id}' is used twice (first at line {seen[option_id]})"
        )
    seen.setdefault(option_id, id_line)
    return option_id, located(prefix, f"option '{option_id}'")


def _lesson_option(
    item: YNode, number: int, reader: Reader, seen: dict[str, int]
) -> LessonOption | None:
    node = reader.fields(item, f"option {number}", ("id", "label", "feedback"))
    if node is None:
        return None
    option_id, where = read_option_id(node, "", number, reader, seen)
    label = required_field(node, "label", where, reader.localized)
    feedback = required_field(node, "feedback", where, reader.localized)
    if option_id is None or label is None or feedback is None:
        return None
    return LessonOption(option_id, label, feedback, reader.origin(node))
