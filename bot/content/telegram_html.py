"""Telegram's small HTML subset: check a message before Telegram rejects it, and show it as text.

Telegram refuses a whole message ("can't parse entities") for one unknown tag, an unclosed tag
or a `<` that is not a tag; the checker finds those in the content instead. The reading itself
is the one parser in bot/tg_html.py, which the simulated Telegram uses too: a bare `&` or `>`
is plain text there as in Telegram. Stricter than Telegram on purpose: an entity-like
`&nbsp;` (shown literally) is named, and only the tags Telegram documents are accepted.
"""

from __future__ import annotations

from bot.tg_html import HtmlParseError, Tag, Text, lex, undecoded, unescape

# Each allowed tag with the attributes it may carry; synonyms map to the same formatting.
_ALLOWED: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "tg-spoiler": frozenset(),
    "span": frozenset({"class"}),
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
}
_SHOWN_TAGS = "b, i, u, s, a, code, pre, tg-spoiler, blockquote"


def _tokens(markup: str) -> list[Text | Tag]:
    """Text runs and tags, read by the one Telegram HTML parser (leniently: a `<` that makes
    no tag stays in its text run, for the checker to name)."""
    return list(lex(markup))


def _text_problems(token: Text) -> list[str]:
    problems: list[str] = []
    if "<" in token.raw:
        problems.append("a '<' that is not a tag: write &lt; instead")
    if "&" not in token.raw:
        return problems
    try:
        unescape(token.raw)
    except HtmlParseError as error:
        problems.append(f"Telegram refuses an entity here: {error}")
    problems.extend(f"Telegram does not know the entity {piece}" for piece in undecoded(token.raw))
    return problems


def _tag_problems(tag: Tag, open_tags: list[str]) -> list[str]:
    allowed = _ALLOWED.get(tag.name)
    if allowed is None:
        return [f"unknown tag <{tag.name}> (Telegram allows: {_SHOWN_TAGS})"]
    problems: list[str] = []
    for attr, value in tag.attrs.items():
        if attr not in allowed:
            problems.append(f"<{tag.name}> cannot have the attribute '{attr}'")
        elif tag.name == "span" and value != "tg-spoiler":
            problems.append('<span> is only allowed as <span class="tg-spoiler">')
        elif tag.name == "code" and not (value or "").startswith("language-"):
            problems.append('<code class="…"> must name a language, like class="language-python"')
    if tag.name == "a" and not tag.attrs.get("href"):
        problems.append('<a> needs a link: <a href="https://…">')
    if tag.name == "span" and "class" not in tag.attrs:
        problems.append('<span> is only allowed as <span class="tg-spoiler">')
    if (
        open_tags
        and open_tags[-1] in ("pre", "code")
        and not (open_tags[-1] == "pre" and tag.name == "code")
    ):
        problems.append(f"<{tag.name}> cannot be inside <{open_tags[-1]}>")
    if tag.name in open_tags and tag.name in ("a", "blockquote", "pre", "code"):
        problems.append(f"<{tag.name}> cannot be inside another <{tag.name}>")
    return problems


def validate(markup: str) -> list[str]:
    """Everything in `markup` that Telegram's HTML parse mode would reject; empty when valid."""
    problems: list[str] = []
    open_tags: list[str] = []
    for token in _tokens(markup):
        if isinstance(token, Text):
            problems.extend(_text_problems(token))
        elif not token.closing:
            problems.extend(_tag_problems(token, open_tags))
            open_tags.append(token.name)
        elif token.name not in open_tags:
            problems.append(f"closing tag </{token.name}> has no opening tag")
        elif open_tags[-1] != token.name:
            problems.append(f"tag <{open_tags[-1]}> must be closed before </{token.name}>")
            open_tags.remove(token.name)
        else:
            open_tags.pop()
    problems.extend(f"tag <{name}> is never closed" for name in open_tags)
    return list(dict.fromkeys(problems))


def has_markup(text: str) -> bool:
    """Whether `text` holds a tag or an entity (wrong in a button label, which is plain text)."""
    return any(isinstance(t, Tag) or t.raw != t.text or undecoded(t.raw) for t in _tokens(text))


_PLAIN_MARKS = {
    "b": "*",
    "strong": "*",
    "i": "_",
    "em": "_",
    "s": "~",
    "strike": "~",
    "del": "~",
    "code": "`",
    "tg-spoiler": "||",
}


def to_plain(markup: str) -> str:
    """Show markup as plain text the way a chat looks: <b>x</b> becomes *x*, entities decoded."""
    out: list[str] = []
    links: list[str | None] = []
    quote_start: list[int] = []
    for token in _tokens(markup):
        if isinstance(token, Text):
            out.append(token.text)
            continue
        name = token.name
        if name == "span":
            name = "tg-spoiler"
        if name in _PLAIN_MARKS:
            out.append(_PLAIN_MARKS[name])
        elif name == "pre":
            out.append("\n```\n")
        elif name == "a":
            if token.closing:
                href = links.pop() if links else None
                if href:
                    out.append(f" ({href})")
            else:
                links.append(token.attrs.get("href"))
        elif name == "blockquote":
            if token.closing and quote_start:
                start = quote_start.pop()
                quoted = "".join(out[start:]).strip("\n")
                del out[start:]
                out.append("\n".join(f"> {line}" for line in quoted.split("\n")))
            elif not token.closing:
                quote_start.append(len(out))
    return "".join(out)


def visible_text(markup: str) -> str:
    """The text a reader sees: tags dropped, entities decoded (what length limits count)."""
    return "".join(t.text for t in _tokens(markup) if isinstance(t, Text))
