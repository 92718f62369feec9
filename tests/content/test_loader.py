"""YAML reading that keeps line numbers and forgives the usual YAML surprises."""

from __future__ import annotations

from bot.content.loader import YMap, YScalar, YSeq, parse_yaml
from bot.content.problems import Problem
from bot.content.schema import Reader


def test_every_key_and_value_keeps_its_line() -> None:
    """Keys and values of nested mappings and lists know the line they were written on."""
    tree, problems = parse_yaml("id: a\nsteps:\n  - text:\n      zh: 你好\n", "f.yaml")
    assert problems == []
    assert isinstance(tree, YMap)
    steps = tree.entries["steps"]
    assert steps.key_line == 2
    assert isinstance(steps.value, YSeq)
    first = steps.value.items[0]
    assert isinstance(first, YMap)
    text = first.entries["text"].value
    assert isinstance(text, YMap)
    assert text.entries["zh"].key_line == 4
    assert isinstance(text.entries["zh"].value, YScalar)
    assert text.entries["zh"].value.line == 4


def test_duplicate_key_is_a_problem() -> None:
    """PyYAML keeps the last of two equal keys silently; here the second one is reported."""
    _, problems = parse_yaml("zh: 一\nen: one\nzh: 二\n", "f.yaml")
    assert problems == [Problem("f.yaml", 3, "duplicate key 'zh' (first at line 1)")]


def test_empty_file_is_a_problem() -> None:
    """An empty file is reported for the whole file rather than read as nothing."""
    tree, problems = parse_yaml("# only a comment\n", "f.yaml")
    assert tree is None
    assert [str(p) for p in problems] == ["f.yaml: the file is empty"]


def test_tab_indentation_gets_a_hint() -> None:
    """A tab used for indentation is named as such, the commonest editor mistake."""
    _, problems = parse_yaml("a:\n\tb: 1\n", "f.yaml")
    assert len(problems) == 1
    assert problems[0].line == 2
    assert problems[0].message.endswith("(indent with spaces, not tabs)")


def test_unquoted_yes_no_and_numbers_are_read_as_written_text() -> None:
    """`en: Yes` and `id: 1` mean the text a person typed, not YAML's boolean or number."""
    tree, _ = parse_yaml("a: Yes\nb: 1\nc: no\n", "f.yaml")
    assert isinstance(tree, YMap)
    reader = Reader("f.yaml")
    assert [reader.text(tree.entries[k].value, k) for k in "abc"] == ["Yes", "1", "no"]
    assert reader.problems == []


def test_number_expected_but_quoted_text_given() -> None:
    """A whole-number field written in quotes is a type problem naming the value."""
    tree, _ = parse_yaml('version: "2"\n', "f.yaml")
    assert isinstance(tree, YMap)
    reader = Reader("f.yaml")
    assert reader.integer(tree.entries["version"].value, "version") is None
    assert [str(p) for p in reader.problems] == [
        "f.yaml:1: version: must be a whole number, not text ('2')"
    ]


def test_line_break_between_chinese_characters_in_literal_block_is_fine() -> None:
    """Only folded text turns line breaks into spaces; a '|' block keeps them as line breaks."""
    _, problems = parse_yaml("zh: |-\n  第一行\n  第二行\n", "f.yaml")
    assert problems == []
    _, problems = parse_yaml("zh: >-\n  第一行\n  第二行\n", "f.yaml")
    assert [p.line for p in problems] == [2]
