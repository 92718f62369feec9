"""The shape of a check-in set: questions, types, answer options and risk levels."""

from __future__ import annotations

from bot.content.loader import YMap, YNode, YSeq
from bot.content.models import (
    AnswerOption,
    CheckinQuestion,
    CheckinSet,
    QuestionType,
)
from bot.content.schema._lessons import read_option_id
from bot.content.schema._reader import (
    AUDIENCES,
    ITEM_ID,
    ITEM_ID_RULE,
    MAX_CHOICE_OPTIONS,
    MIN_CHOICE_OPTIONS,
    MOOD_IDS,
    OPTION_ID,
    OPTION_ID_RULE,
    YES_NO_IDS,
    Reader,
    choices,
    field_value,
    required_field,
)
from bot.levels import RiskLevel


def build_checkin(tree: YNode, reader: Reader) -> CheckinSet | None:
    """A check-in set from one file's tree, or None (with problems recorded)."""
    node = reader.fields(
        tree,
        "",
        ("id", "version", "audience", "title", "intro", "questions", "closing", "crisis"),
        ("rotating",),
    )
    if node is None:
        return None
    before = len(reader.problems)
    set_id = required_field(
        node, "id", "", lambda n, w: reader.identifier(n, w, ITEM_ID, ITEM_ID_RULE)
    )
    version = required_field(node, "version", "", reader.integer)
    audience = required_field(node, "audience", "", reader.text)
    audience_node = field_value(node, "audience")
    if audience is not None and audience not in AUDIENCES and audience_node is not None:
        reader.add(
            audience_node.line,
            "audience",
            f"'{audience}' is not an audience{choices(audience, AUDIENCES)}",
        )
    title = required_field(node, "title", "", reader.localized)
    intro = required_field(node, "intro", "", reader.localized)
    questions = _questions(node, reader)
    rotating = _rotating(node, reader, questions or ())
    closing = required_field(node, "closing", "", reader.localized)
    crisis = required_field(node, "crisis", "", reader.localized)
    if (
        len(reader.problems) > before
        or set_id is None
        or version is None
        or audience is None
        or title is None
        or intro is None
        or questions is None
        or closing is None
        or crisis is None
    ):
        return None
    return CheckinSet(
        set_id,
        version,
        audience,
        title,
        intro,
        questions,
        closing,
        crisis,
        reader.origin(node),
        rotating,
    )


def _rotating(
    node: YMap, reader: Reader, questions: tuple[CheckinQuestion, ...]
) -> tuple[CheckinQuestion, ...]:
    """The optional `rotating` list: button questions asked one a week in turn.

    Their ids share the set's id space (a session stores answers by question id), and a
    rotating question is never free text (it goes before the set's last question).
    """
    seq_node = field_value(node, "rotating")
    if seq_node is None:
        return ()
    seq = reader.sequence(seq_node, "rotating")
    if seq is None:
        return ()
    if not seq.items:
        reader.add(seq.line, "rotating", "list at least one question, or leave the field out")
    seen: dict[str, int] = {q.id: q.origin.at("id").line for q in questions}
    found: list[CheckinQuestion] = []
    for number, item in enumerate(seq.items, start=1):
        question = _checkin_question(item, number, reader, seen, prefix="rotating question")
        if question is None:
            continue
        if question.type is QuestionType.FREE_TEXT:
            reader.add(
                question.origin.line,
                f"rotating question '{question.id}'",
                "a rotating question is answered with buttons, not free_text",
            )
            continue
        found.append(question)
    return tuple(found)


def _questions(node: YMap, reader: Reader) -> tuple[CheckinQuestion, ...] | None:
    seq_node = field_value(node, "questions")
    if seq_node is None:
        return None
    seq = reader.sequence(seq_node, "questions")
    if seq is None:
        return None
    if not seq.items:
        reader.add(seq.line, "questions", "a check-in needs at least one question")
    seen: dict[str, int] = {}
    questions: list[CheckinQuestion] = []
    for number, item in enumerate(seq.items, start=1):
        question = _checkin_question(item, number, reader, seen)
        if question is not None:
            questions.append(question)
    return tuple(questions)


def _checkin_question(
    item: YNode, number: int, reader: Reader, seen: dict[str, int], prefix: str = "question"
) -> CheckinQuestion | None:
    where = f"{prefix} {number}"
    node = reader.fields(item, where, ("id", "type", "text"), ("options", "optional", "skip_label"))
    if node is None:
        return None
    question_id = required_field(
        node, "id", where, lambda n, w: reader.identifier(n, w, OPTION_ID, OPTION_ID_RULE)
    )
    if question_id is not None:
        id_line = node.entries["id"].value.line
        if question_id in seen:
            reader.add(
                id_line,
                where,
                f"id '{question_id}' is used twice (first at line {seen[question_id]})",
            )
        seen.setdefault(question_id, id_line)
        where = f"{prefix} '{question_id}'"
    kind = _question_type(node, where, reader)
    text = required_field(node, "text", where, reader.localized)
    options = _answer_options(node, where, kind, reader)
    optional_node = field_value(node, "optional")
    optional = (
        reader.boolean(optional_node, f"{where} optional") if optional_node is not None else False
    )
    skip_node = field_value(node, "skip_label")
    skip_label = (
        reader.localized(skip_node, f"{where} skip_label") if skip_node is not None else None
    )
    if (
        kind is not None
        and kind is not QuestionType.FREE_TEXT
        and (optional or skip_node is not None)
    ):
        reader.add(
            node.line, where, "only free_text questions can be optional or have a skip_label"
        )
    if kind is QuestionType.FREE_TEXT and optional and skip_node is None:
        reader.add(node.line, where, "an optional question needs a skip_label (the skip button)")
    if question_id is None or kind is None or text is None or options is None or optional is None:
        return None
    return CheckinQuestion(
        question_id, kind, text, options, optional, skip_label, reader.origin(node)
    )


def _question_type(node: YMap, where: str, reader: Reader) -> QuestionType | None:
    value = required_field(node, "type", where, reader.text)
    if value is None:
        return None
    try:
        return QuestionType(value)
    except ValueError:
        allowed = tuple(t.value for t in QuestionType)
        reader.add(
            node.entries["type"].value.line,
            f"{where} type",
            f"'{value}' is not a question type{choices(value, allowed)}",
        )
        return None


def _answer_options(
    node: YMap, where: str, kind: QuestionType | None, reader: Reader
) -> tuple[AnswerOption, ...] | None:
    options_node = field_value(node, "options")
    if kind is QuestionType.FREE_TEXT:
        if options_node is not None:
            reader.add(options_node.line, where, "a free_text question has no options")
            return None
        return ()
    if options_node is None:
        if kind is not None:
            reader.add(node.line, where, "missing required field 'options'")
        return None
    seq = reader.sequence(options_node, f"{where} options")
    if seq is None:
        return None
    seen: dict[str, int] = {}
    options: list[AnswerOption] = []
    ok = True
    for number, item in enumerate(seq.items, start=1):
        option = _answer_option(item, where, number, reader, seen)
        ok = ok and option is not None
        if option is not None:
            options.append(option)
    if ok and kind is not None and not _option_count_ok(seq, where, kind, options, reader):
        return None
    return tuple(options) if ok else None


def _option_count_ok(
    seq: YSeq, where: str, kind: QuestionType, options: list[AnswerOption], reader: Reader
) -> bool:
    ids = tuple(option.id for option in options)
    if kind is QuestionType.MOOD and ids != MOOD_IDS:
        reader.add(
            seq.line,
            where,
            'a mood question needs exactly five options with ids "1" to "5" in order (1 = worst)',
        )
        return False
    if kind is QuestionType.YES_NO and sorted(ids) != sorted(YES_NO_IDS):
        reader.add(
            seq.line, where, "a yes_no question needs exactly two options with ids 'yes' and 'no'"
        )
        return False
    if kind is QuestionType.CHOICE and not MIN_CHOICE_OPTIONS <= len(ids) <= MAX_CHOICE_OPTIONS:
        reader.add(
            seq.line,
            where,
            f"a choice question needs {MIN_CHOICE_OPTIONS} to {MAX_CHOICE_OPTIONS} options, "
            f"this one has {len(ids)}",
        )
        return False
    return True


def _answer_option(
    item: YNode, question: str, number: int, reader: Reader, seen: dict[str, int]
) -> AnswerOption | None:
    node = reader.fields(
        item, f"{question} option {number}", ("id", "label", "risk"), ("reply", "category")
    )
    if node is None:
        return None
    option_id, where = read_option_id(node, question, number, reader, seen)
    label = required_field(node, "label", where, reader.localized)
    risk = required_field(node, "risk", where, lambda n, w: _risk(n, w, reader))
    reply_node = field_value(node, "reply")
    reply = reader.localized(reply_node, f"{where} reply") if reply_node is not None else None
    category_node = field_value(node, "category")
    category = (
        reader.identifier(category_node, f"{where} category", OPTION_ID, OPTION_ID_RULE)
        if category_node is not None
        else None
    )
    if option_id is None or label is None or risk is None:
        return None
    if (reply_node is not None and reply is None) or (category_node is not None and not category):
        return None
    return AnswerOption(option_id, label, risk, reply, reader.origin(node), category)


def _risk(node: YNode, where: str, reader: Reader) -> RiskLevel | None:
    value = reader.text(node, where)
    if value is None:
        return None
    try:
        return RiskLevel.parse(value)
    except ValueError as exc:
        reader.add(node.line, where, str(exc))
        return None
