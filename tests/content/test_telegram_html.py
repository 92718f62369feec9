"""Telegram's HTML subset: what is refused before Telegram refuses it, and the plain preview."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content import telegram_html
from bot.content.render import Renderer


@pytest.mark.parametrize(
    "markup",
    [
        "plain text",
        "<b>bold</b> and <i>italic</i> and <u>u</u> and <s>s</s>",
        '<a href="https://example.org">link</a>',
        "<b>nested <i>fine</i></b>",
        '<pre><code class="language-python">x = 1</code></pre>',
        "<tg-spoiler>secret</tg-spoiler> <blockquote>quote</blockquote>",
        "1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;q&quot; &#39; &#x4e2d;",
        "Q&A, a > b and AT&T: a bare & or > is plain text to Telegram",
    ],
)
def test_valid_markup_has_no_problems(markup: str) -> None:
    """Markup Telegram accepts passes the validator."""
    assert telegram_html.validate(markup) == []


@pytest.mark.parametrize(
    ("markup", "problem"),
    [
        (
            "<font>x</font>",
            "unknown tag <font> (Telegram allows: b, i, u, s, a, code, pre, "
            "tg-spoiler, blockquote)",
        ),
        ("<b>x", "tag <b> is never closed"),
        ("x</i>", "closing tag </i> has no opening tag"),
        ("<b><i>x</b></i>", "tag <i> must be closed before </b>"),
        ("a < b", "a '<' that is not a tag: write &lt; instead"),
        ("&nbsp;", "Telegram does not know the entity &nbsp;"),
        ("<a>x</a>", '<a> needs a link: <a href="https://…">'),
        ('<b class="x">x</b>', "<b> cannot have the attribute 'class'"),
        ("<code><b>x</b></code>", "<b> cannot be inside <code>"),
    ],
)
def test_invalid_markup_is_named(markup: str, problem: str) -> None:
    """Each kind of markup Telegram refuses yields a message naming the fault."""
    assert problem in telegram_html.validate(markup)


def test_plain_preview_marks_formatting_like_a_chat() -> None:
    """Bold becomes *x*, italics _x_, links show their address, entities are decoded."""
    markup = '<b>x</b> <i>y</i> <a href="https://e.org">z</a> &lt;3 <code>c</code>'
    assert telegram_html.to_plain(markup) == "*x* _y_ z (https://e.org) <3 `c`"


def test_visible_text_drops_tags_and_decodes_entities() -> None:
    """Length limits count what the reader sees, not the markup."""
    assert telegram_html.visible_text("<b>a &amp; b</b>") == "a & b"


@given(st.text(max_size=60))
def test_any_value_rendered_into_a_message_stays_valid_markup(value: str) -> None:
    """Whatever a person's name contains, escaping keeps the rendered message valid for Telegram."""
    rendered = Renderer().render("<b>{{ name }}</b>，您好！", {"name": value})
    assert telegram_html.validate(rendered) == []
    assert telegram_html.visible_text(rendered) == f"{value}，您好！"
