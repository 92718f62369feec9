"""Telegram's HTML parse mode: what it accepts, the plain text and entities it produces."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.simtelegram.tg_html import FormattedText, HtmlParseError, parse_html, trim, utf16_len


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_escaped_text_parses_back_to_itself(text: str) -> None:
    """Any text escaped with html.escape parses to exactly that text with no entities."""
    assert parse_html(html.escape(text, quote=False)) == FormattedText(text, [])


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1), st.text())
def test_bold_entity_spans_the_inner_text(inner: str, after: str) -> None:
    """A <b> around escaped text yields one bold entity of its UTF-16 length."""
    parsed = parse_html(f"<b>{html.escape(inner)}</b>{html.escape(after)}")
    assert parsed.text == inner + after
    assert parsed.entities == [{"type": "bold", "offset": 0, "length": utf16_len(inner)}]


def test_offsets_count_utf16_units() -> None:
    """An emoji outside the BMP counts as two units before the next entity."""
    parsed = parse_html("😀<i>好</i>")
    assert parsed.entities == [{"type": "italic", "offset": 2, "length": 1}]


def test_nested_and_special_tags() -> None:
    """Nesting is kept (outer first), pre takes its code language, links keep their URL."""
    parsed = parse_html(
        '<b>a<i>b</i></b><pre><code class="language-python">x</code></pre>'
        '<a href="https://e.org/?a=1&amp;b=2">L</a><blockquote expandable>q</blockquote>'
        '<span class="tg-spoiler">s</span><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert parsed.text == "abxLqs👍"
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 1, "length": 1},
        {"type": "pre", "offset": 2, "length": 1, "language": "python"},
        {"type": "text_link", "offset": 3, "length": 1, "url": "https://e.org/?a=1&b=2"},
        {"type": "expandable_blockquote", "offset": 4, "length": 1},
        {"type": "spoiler", "offset": 5, "length": 1},
        {
            "type": "custom_emoji",
            "offset": 6,
            "length": 2,
            "custom_emoji_id": "5368324170671202286",
        },
    ]


def test_entities_and_unknown_ampersands() -> None:
    """Only the four named entities and numeric ones decode; other & stay literal."""
    assert (
        parse_html("&lt;&gt;&amp;&quot; &#20320;&#x597D; &nbsp; a&b").text == '<>&" 你好 &nbsp; a&b'
    )


def test_tags_are_case_insensitive() -> None:
    """<B>...</b> is bold, as Telegram reads tag names case-insensitively."""
    assert parse_html("<B>x</b>").entities == [{"type": "bold", "offset": 0, "length": 1}]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("é<x>", 'Unsupported start tag "x" at byte offset 2'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_errors_name_the_problem(source: str, message: str) -> None:
    """Errors say what is wrong and where, in Telegram's words and byte offsets."""
    with pytest.raises(HtmlParseError) as caught:
        parse_html(source)
    assert str(caught.value) == message


def test_trim_moves_entities() -> None:
    """Leading and trailing whitespace is dropped and entity offsets follow."""
    trimmed = trim(parse_html("\n  <b>hi</b> there \n"))
    assert trimmed == FormattedText("hi there", [{"type": "bold", "offset": 0, "length": 2}])
