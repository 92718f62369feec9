"""Telegram's small HTML subset: check a message before Telegram rejects it, and show it as text.

Telegram refuses a whole message ("can't parse entities") for one unknown tag, an unclosed tag
or a bare `&`/`<`/`>`; the checker finds those in the content instead. Only the tags and
entities Telegram documents for parse_mode=HTML are accepted.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

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
_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^<>]*?)?)\s*>")
_ATTR = re.compile(r"""([A-Za-z][A-Za-z0-9_-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]*);")


@dataclass(frozen=True)
class _Tag:
    name: str
    closing: bool
    attrs: dict[str, str | None]
    text: str


def _tokens(markup: str) -> list[str | _Tag]:
    """Split markup into text runs and tags; bare `<`, `>`, `&` stay in the text runs."""
    out: list[str | _Tag] = []
    pos = 0
    for match in _TAG.finditer(markup):
        if match.start() > pos:
            out.append(markup[pos : match.start()])
        attrs: dict[str, str | None] = {}
        for attr in _ATTR.finditer(match.group(3)):
            value = attr.group(2)
            if value is not None and value[:1] in ("'", '"'):
                value = value[1:-1]
            attrs[attr.group(1).lower()] = value
        out.append(_Tag(match.group(2).lower(), match.group(1) == "/", attrs, match.group(0)))
        pos = match.end()
    if pos < len(markup):
        out.append(markup[pos:])
    return out


def _text_problems(text: str) -> list[str]:
    problems: list[str] = []
    if "<" in text:
        problems.append("a '<' that is not a tag: write &lt; instead")
    if ">" in text:
        problems.append("a '>' that is not part of a tag: write &gt; instead")
    rest = _ENTITY.sub(lambda m: "" if _known_entity(m.group(1)) else m.group(0), text)
    for match in _ENTITY.finditer(rest):
        problems.append(f"Telegram does not know the entity {match.group(0)}")
    if "&" in _ENTITY.sub("", rest):
        problems.append("a bare '&': write &amp; instead")
    return problems


def _known_entity(body: str) -> bool:
    return body.startswith("#") or body in _ENTITIES


def _tag_problems(tag: _Tag, open_tags: list[str]) -> list[str]:
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
        if isinstance(token, str):
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
    return any(isinstance(t, _Tag) for t in _tokens(text)) or bool(_ENTITY.search(text))


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
        if isinstance(token, str):
            out.append(html.unescape(token))
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
    return html.unescape("".join(t for t in _tokens(markup) if isinstance(t, str)))
