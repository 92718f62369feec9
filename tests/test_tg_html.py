"""One Telegram HTML parser: the content checker and the simulated Telegram read markup alike."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content import telegram_html
from bot.simtelegram.tg_html import parse_html as sim_parse_html
from bot.tg_html import HtmlParseError, parse_html, undecoded, unescape


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ("Q&A", "Q&A"),
        ("AT&T & co", "AT&T & co"),
        ("a > b", "a > b"),
        ("&nbsp;", "&nbsp;"),
        ("&amp", "&"),
        ("&lt3", "<3"),
        ("&amplifier", "&amplifier"),
        ("&LT;", "&LT;"),
        ("&#20320;&#x597D;", "你好"),
        ("&#X41;", "&#X41;"),
        ("&#0;", "&#0;"),
        ("&#00000065;", "&#00000065;"),
        ("&#1114111;", "&#1114111;"),
        ("&&amp;", "&&"),
    ],
)
def test_ampersands_and_brackets_read_as_telegram_reads_them(markup: str, shown: str) -> None:
    """A bare `&` or `>` is text; only Telegram's entities decode, `;` optional; both agree."""
    assert parse_html(markup).text == shown
    assert sim_parse_html(markup).text == shown
    assert telegram_html.visible_text(markup) == shown


@pytest.mark.parametrize("markup", ["Q&A", "a > b", "AT&T &amp; co", "<b>R&D</b>"])
def test_what_telegram_accepts_the_checker_accepts(markup: str) -> None:
    """The cases the two used to disagree on: the checker no longer refuses them."""
    parse_html(markup)
    assert telegram_html.validate(markup) == []


def test_an_entity_shown_literally_is_named_but_accepted() -> None:
    """`&nbsp;` is not an error for Telegram (it shows it as written); the checker names it."""
    assert parse_html("a&nbsp;b").text == "a&nbsp;b"
    assert undecoded("a&nbsp;b &amp; &#0;") == ["&nbsp;", "&#0;"]
    assert telegram_html.validate("a&nbsp;b") == ["Telegram does not know the entity &nbsp;"]


def test_a_surrogate_entity_is_refused_by_both() -> None:
    """Telegram refuses a message whose entity names a lone surrogate; so do both readers."""
    with pytest.raises(HtmlParseError):
        parse_html("x &#xD800; y")
    assert any("refuses" in problem for problem in telegram_html.validate("x &#xD800; y"))


def test_a_lone_angle_bracket_is_refused_by_both() -> None:
    """A `<` that starts no tag breaks the message in Telegram; the checker says so."""
    with pytest.raises(HtmlParseError):
        parse_html("a < b")
    assert telegram_html.validate("a < b") == ["a '<' that is not a tag: write &lt; instead"]


MARKUP = st.text(alphabet="ab &;#x0123<>/lgtmpquoAT", max_size=24) | st.lists(
    st.sampled_from(["<b>", "</b>", "<i>", "</i>", "&amp;", "&lt", "&", ">", "x", "&#38;"]),
    max_size=8,
).map("".join)


@given(MARKUP)
def test_whatever_the_checker_passes_telegram_shows_as_the_checker_says(markup: str) -> None:
    """Markup the checker finds no problem in parses in the simulated Telegram to the text the
    checker measures."""
    if telegram_html.validate(markup):
        return
    assert parse_html(markup).text == telegram_html.visible_text(markup)


@given(st.text(max_size=40))
def test_unescape_never_raises_on_plain_text(text: str) -> None:
    """Text without any `&` comes back unchanged."""
    plain = text.replace("&", "")
    assert unescape(plain) == plain
