"""`qiao content check PATH` on small broken fixtures: each problem as file:line: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
LESSON = "lessons/homework-01-routine.yaml"
CHECKIN = "checkins/weekly.yaml"

CASES = [
    pytest.param(
        "missing_source",
        [f"{LESSON}:1: missing required field 'source'"],
        id="a lesson without a source",
    ),
    pytest.param(
        "wrong_type",
        [f"{LESSON}:2: version: must be a whole number, not text ('one')"],
        id="wrong type",
    ),
    pytest.param(
        "unknown_field",
        [f"{LESSON}:9: step 1: unknown field 'audo' (did you mean 'audio'?)"],
        id="a typo in a field name",
    ),
    pytest.param(
        "duplicate_id",
        [
            "lessons/homework-02-place.yaml:1: id 'homework-routine' is already used by "
            "duplicate_id/lessons/homework-01-routine.yaml:1"
        ],
        id="the same id in two files",
    ),
    pytest.param(
        "duplicate_order",
        [
            f"{LESSON}:4: order 1 is already used in track 'homework' by "
            "duplicate_order/lessons/homework-01-place.yaml:4"
        ],
        id="two lessons with one order in a track",
    ),
    pytest.param(
        "missing_language",
        [f"{LESSON}:9: step 2 text: missing 'en' text"],
        id="a text without English",
    ),
    pytest.param(
        "language_everywhere",
        [
            "ui/basics.yaml:6: help.title: missing 'fr' text "
            "(the language 'fr' is used at language_everywhere/ui/basics.yaml:4)"
        ],
        id="a language used somewhere is needed everywhere",
    ),
    pytest.param(
        "template_syntax",
        [f"{LESSON}:8: step 1 text (zh): template error: unexpected '}}'"],
        id="a template that does not compile",
    ),
    pytest.param(
        "unknown_name",
        [f"{LESSON}:8: step 1 text (zh): unknown name 'nmae' (this text may use: name, child)"],
        id="an unknown template name",
    ),
    pytest.param(
        "ui_translation_name",
        [
            "ui/basics.yaml:3: start.hello (en): uses name, which the zh text does not use "
            "(the bot may not pass it)"
        ],
        id="a translation needing a name the Chinese text does not",
    ),
    pytest.param(
        "step_too_long",
        [
            f"{LESSON}:8: step 1 text (en): is too long: 61 words, at most 60",
            f"{LESSON}:8: step 1 text (zh): is too long: 151 Chinese characters "
            "(about 76 s to read), at most 60",
        ],
        id="a step too long in both languages",
    ),
    pytest.param(
        "label_too_long",
        [
            f"{LESSON}:15: option 'a' label (en): is too long: 35 characters, at most 32",
            f"{LESSON}:15: option 'a' label (zh): is too long: 15 characters, at most 14",
        ],
        id="a button label too long for a phone",
    ),
    pytest.param(
        "feedback_too_long",
        [
            f"{LESSON}:16: option 'a' feedback (zh): is too long: "
            "151 Chinese characters, at most 150"
        ],
        id="an option feedback too long",
    ),
    pytest.param(
        "callback_too_long",
        [
            f"{LESSON}:14: option 'listen_first_now': button data "
            "'l:homework-routine-at-the-same-time-daily1:12345:listen_first_now' is 65 bytes, "
            "Telegram allows 64; shorten the ids"
        ],
        id="callback data over 64 bytes",
    ),
    pytest.param(
        "too_few_steps",
        [f"{LESSON}:8: steps: a lesson needs 3 to 6 steps, this one has 2"],
        id="two steps",
    ),
    pytest.param(
        "too_many_options",
        [f"{LESSON}:14: question options: a question needs 2 to 4 options, this one has 5"],
        id="five options",
    ),
    pytest.param(
        "html_unknown_tag",
        [
            f"{LESSON}:8: step 1 text (en): unknown tag <font> "
            "(Telegram allows: b, i, u, s, a, code, pre, tg-spoiler, blockquote)"
        ],
        id="an unknown HTML tag",
    ),
    pytest.param(
        "html_unclosed_tag",
        [f"{LESSON}:8: step 1 text (zh): tag <b> is never closed"],
        id="an unclosed HTML tag",
    ),
    pytest.param(
        "html_unknown_entity",
        [f"{LESSON}:8: step 1 text (en): Telegram does not know the entity &nbsp;"],
        id="an entity Telegram shows literally",
    ),
    pytest.param(
        "label_markup",
        [
            f"{LESSON}:15: option 'a' label (zh): a button cannot use HTML tags or entities; "
            "write plain text"
        ],
        id="HTML on a button",
    ),
    pytest.param(
        "audio_missing",
        [
            f"{LESSON}:9: step 1 audio: no such file 'audio/step-one.ogg' "
            "(paths start at the content folder)"
        ],
        id="a missing audio file",
    ),
    pytest.param(
        "bad_risk",
        [
            f"{CHECKIN}:11: question 'mood' option '1' risk: unknown risk level 'urgnt' "
            "(allowed: none, watch, concern, urgent)"
        ],
        id="an unknown risk level",
    ),
    pytest.param(
        "mood_options",
        [
            f"{CHECKIN}:11: question 'mood': a mood question needs exactly five options "
            'with ids "1" to "5" in order (1 = worst)'
        ],
        id="a mood question with four faces",
    ),
    pytest.param(
        "yes_no_options",
        [
            f"{CHECKIN}:20: question 'talk': a yes_no question needs exactly two options "
            "with ids 'yes' and 'no'"
        ],
        id="a yes_no question without 'no'",
    ),
    pytest.param(
        "crisis_missing",
        [f"{CHECKIN}:1: missing required field 'crisis'"],
        id="a check-in without a crisis message",
    ),
    pytest.param(
        "crisis_no_number",
        [
            f"{CHECKIN}:28: crisis (zh): gives no phone number; it must name the crisis lines "
            "(such as 12356) and 110/120"
        ],
        id="a crisis message without a phone number",
    ),
    pytest.param(
        "crisis_numbers_differ",
        [f"{CHECKIN}:28: crisis (en): lacks 12356, which the zh text gives"],
        id="a translation dropping a crisis number",
    ),
    pytest.param(
        "yaml_syntax",
        [f"{LESSON}:4: YAML syntax error: mapping values are not allowed in this context"],
        id="a YAML syntax error",
    ),
    pytest.param(
        "duplicate_key",
        [f"{LESSON}:9: duplicate key 'zh' (first at line 9)"],
        id="a key written twice",
    ),
    pytest.param(
        "file_name",
        [
            "lessons/homework-02-routine.yaml: the file name should be "
            "'homework-01-<short-name>.yaml' to match its track and order"
        ],
        id="a file name that does not match the order",
    ),
    pytest.param(
        "chinese_line_break",
        [
            f"{LESSON}:10: this line break inside Chinese text will show as a space; keep the "
            "sentence on one line, or start the text with '|' to keep line breaks"
        ],
        id="a folded line break inside Chinese",
    ),
    pytest.param(
        "sequence_duplicate",
        [
            "lessons/sequence.yaml:3: lessons item 2: 'homework-routine' is listed twice "
            "(first at line 2); list every lesson once"
        ],
        id="a lesson listed twice in the sequence",
    ),
    pytest.param(
        "sequence_unknown",
        [
            "lessons/sequence.yaml:3: 'homework-rutine' is not a lesson id "
            "(did you mean 'homework-routine'?)"
        ],
        id="an unknown id in the sequence",
    ),
    pytest.param(
        "sequence_missing",
        [
            "lessons/sequence.yaml:2: lesson 'homework-place' "
            "(sequence_missing/lessons/homework-02-place.yaml) is not listed; "
            "add its id where it should come"
        ],
        id="a lesson missing from the sequence",
    ),
    pytest.param(
        "step_over_limit",
        [
            f"{LESSON}:8: step 1 text (zh): is too long: 61 Chinese characters "
            "(about 30 s to read), at most 60"
        ],
        id="a step one character over the default step limit",
    ),
    pytest.param(
        "step_limit_in_sequence",
        [
            f"{LESSON}:8: step 1 text (zh): is too long: 45 Chinese characters "
            "(about 22 s to read), at most 40"
        ],
        id="a step over the limit the sequence file sets",
    ),
    pytest.param(
        "practice_tips_missing",
        [f"{LESSON}:1: missing required field 'practice_tips'"],
        id="a lesson without practice tips",
    ),
    pytest.param(
        "practice_tips_partial",
        [f"{LESSON}:24: practice_tips: missing required field 'hard'"],
        id="practice tips without the tip for a hard week",
    ),
    pytest.param(
        "ui_duplicate_key",
        ["ui/b.yaml:4: key 'start.hello' is already used in ui_duplicate_key/ui/a.yaml:1"],
        id="a UI key in two files",
    ),
]


@pytest.mark.parametrize(("case", "expected"), CASES)
def test_broken_fixture_is_reported_with_file_and_line(
    case: str,
    expected: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each broken fixture prints exactly its problems as file:line: message and exits 1."""
    monkeypatch.chdir(FIXTURES)
    code = main(["content", "check", case])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[:-1] == [f"{case}/{line}" for line in expected]
    count = len(expected)
    assert lines[-1].startswith("content: ")
    assert lines[-1].endswith(f", {count} problem{'s' if count > 1 else ''}")


def test_valid_fixture_passes_with_a_summary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A correct folder prints only the summary line and exits 0."""
    monkeypatch.chdir(FIXTURES)
    code = main(["content", "check", "valid"])
    assert capsys.readouterr().out == (
        "content: 1 lesson, 1 check-in set, 1 UI string, 0 problems\n"
    )
    assert code == 0


def test_missing_folder_is_one_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Checking a folder that does not exist says so instead of passing silently."""
    code = main(["content", "check", str(tmp_path / "nowhere")])
    assert capsys.readouterr().out.splitlines()[0] == f"{tmp_path / 'nowhere'}: no such folder"
    assert code == 1


def test_yml_file_is_not_silently_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A lesson saved as .yml is reported, since the bot would never read it."""
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "homework-01-routine.yml").write_text("id: x\n", encoding="utf-8")
    code = main(["content", "check", str(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"{tmp_path}/lessons/homework-01-routine.yml: content files must end in .yaml; rename it"
    )
    assert code == 1


def test_step_limit_flag_overrides_the_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--step-limit 70 lets a 61-character step pass that the default limit of 60 refuses."""
    monkeypatch.chdir(FIXTURES)
    assert main(["content", "check", "step_over_limit", "--step-limit", "70"]) == 0
    assert capsys.readouterr().out.endswith(", 0 problems\n")
    assert main(["content", "check", "step_over_limit", "--step-limit", "50"]) == 1
    assert "at most 50" in capsys.readouterr().out


def test_steps_flag_lists_each_step_with_its_reading_time(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--steps prints each step's Han characters and seconds to read, marking one over the limit."""
    monkeypatch.chdir(FIXTURES)
    main(["content", "check", "step_over_limit", "--steps"])
    out = capsys.readouterr().out.splitlines()
    assert "limit 60" in out[1]
    assert out[2] == "  homework-routine: 1: 61/30s!  2: 3/2s  3: 3/2s"
