"""Telegram's HTML parse mode, read the way the Bot API reads it: the one parser Qiao has.

The content checker (bot/content/telegram_html.py) and the simulated Telegram
(bot/simtelegram/) both read messages through this module, so they cannot disagree about
what Telegram accepts. Telegram's rules, as its parser applies them:

- An `&` starts an entity only for `&lt; &gt; &amp; &quot;` (case-sensitive) and numeric ones
  (`&#20320;`, `&#x597D;`, 1 to U+10FFFE, at most 9 characters with the `&`); the `;` may be
  left out. Any other `&` (a bare one, `&nbsp;`) is shown literally, never an error.
- A `<` always starts a tag; only a handful of tags exist, properly nested and closed. A `>`
  outside a tag is plain text.
- What Telegram stores is plain text plus entities whose offsets count UTF-16 code units,
  with leading and trailing whitespace trimmed.

Shared kernel: no Telegram library, no adapter, no simulation imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
"""Every tag Telegram knows, with the entity type it makes."""
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
"""The only named entities Telegram decodes."""

# An `&` and what could follow it; whether it decodes is decided in `_decoded`.
_CANDIDATE = re.compile(r"&(?:#x([0-9A-Fa-f]*)|#([0-9]*)|([A-Za-z]*))(;?)")
_NUMERIC_MAX_CHARS = 9  # "&#" and seven digits, or "&#x" and six hex digits
_TAG_NAME = re.compile(r"[A-Za-z0-9-]*")
_ATTR = re.compile(r"""([A-Za-z_][A-Za-z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_SURROGATES = "Text contains invalid Unicode characters after decoding HTML entities"


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's wording after the colon."""


@dataclass(frozen=True, slots=True)
class Text:
    """A run of text between tags: as written, and as Telegram shows it (entities decoded)."""

    raw: str
    text: str


@dataclass(frozen=True, slots=True)
class Tag:
    """An opening or closing tag; attribute values are decoded ("" when given without one)."""

    name: str
    closing: bool
    attrs: dict[str, str]
    raw: str
    start: int


@dataclass(slots=True)
class FormattedText:
    """What the recipient sees: plain text and the entities over it."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _decoded(match: re.Match[str]) -> str | None:
    """The character an `&…` candidate stands for, None when Telegram leaves it literal."""
    hexadecimal, decimal, name, _ = match.groups()
    if name is not None:
        return NAMED_ENTITIES.get(name)
    digits = hexadecimal if hexadecimal is not None else decimal
    span = len(match.group()) - len(match.group(4))
    if not digits or span > _NUMERIC_MAX_CHARS:
        return None
    code = int(digits, 16 if hexadecimal is not None else 10)
    if code == 0 or code >= 0x10FFFF:
        return None
    if 0xD800 <= code <= 0xDFFF:
        raise HtmlParseError(f"{_SURROGATES}, check for unmatched surrogate code units")
    return chr(code)


def unescape(raw: str) -> str:
    """Decode entities by Telegram's rule: anything it does not know stays as written.

    Raises HtmlParseError for an entity naming a lone surrogate, as Telegram refuses those.
    """
    if "&" not in raw:
        return raw
    return _CANDIDATE.sub(lambda m: _decoded(m) or m.group(), raw)


def undecoded(raw: str) -> list[str]:
    """Entity-like `&name;` / `&#…;` pieces Telegram shows literally (probably a typo)."""
    if "&" not in raw:
        return []
    return [
        m.group()
        for m in _CANDIDATE.finditer(raw)
        if m.group(4) and len(m.group()) > 2 and _safe_decoded(m) is None
    ]


def _safe_decoded(match: re.Match[str]) -> str | None:
    try:
        return _decoded(match)
    except HtmlParseError:
        return "\ufffd"  # refused outright, not shown literally


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def lex(source: str, *, known: frozenset[str] | None = None) -> Iterator[Text | Tag]:
    """Text runs and tags in order.

    With `known` (strict, as Telegram parses a message to send) a malformed tag or one not in
    `known` raises HtmlParseError. Without it (lenient, for checking and previews) a `<` that
    does not make a tag is kept as text and reading goes on.
    """
    i, run = 0, 0
    while True:
        i = source.find("<", i)
        if i < 0:
            break
        try:
            tag = _tag_at(source, i, known)
        except HtmlParseError:
            if known is not None:
                raise
            i += 1
            continue
        if i > run:
            yield _text(source[run:i], strict=known is not None)
        yield tag
        i = run = i + len(tag.raw)
    if run < len(source):
        yield _text(source[run:], strict=known is not None)


def _text(raw: str, *, strict: bool) -> Text:
    try:
        return Text(raw, unescape(raw))
    except HtmlParseError:
        if strict:
            raise
        return Text(raw, raw)


def _tag_at(source: str, i: int, known: frozenset[str] | None) -> Tag:
    """The tag that starts at `source[i] == "<"`."""
    if source.startswith("</", i):
        end = source.find(">", i)
        if end < 0:
            offset = _byte_offset(source, i)
            raise HtmlParseError(f"Can't find end of the tag at byte offset {offset}")
        name = source[i + 2 : end].strip().lower()
        return Tag(name, True, {}, source[i : end + 1], i)
    name_match = _TAG_NAME.match(source, i + 1)
    name = name_match.group().lower() if name_match else ""
    if not name or (known is not None and name not in known):
        offset = _byte_offset(source, i)
        raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
    attrs: dict[str, str] = {}
    j = name_match.end() if name_match else i + 1
    while True:
        while j < len(source) and source[j].isspace():
            j += 1
        if j >= len(source):
            offset = _byte_offset(source, i)
            raise HtmlParseError(f"Can't find end of the tag starting at byte offset {offset}")
        if source[j] == ">":
            return Tag(name, False, attrs, source[i : j + 1], i)
        attr = _ATTR.match(source, j)
        if attr is None or attr.end() == j:
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(source, i)}")
        value = next((v for v in attr.groups()[1:] if v is not None), "")
        attrs[attr.group(1).lower()] = unescape(value)
        j = attr.end()


@dataclass(slots=True)
class _OpenTag:
    name: str
    start: int
    attrs: dict[str, str]


_KNOWN = frozenset(TAG_TYPES)


def parse_html(source: str) -> FormattedText:
    """Parse Telegram HTML into plain text and entities (untrimmed), or raise HtmlParseError."""
    parts: list[str] = []
    position = 0  # UTF-16 offset of the end of `parts`
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    for token in lex(source, known=_KNOWN):
        if isinstance(token, Text):
            parts.append(token.text)
            position += utf16_len(token.text)
        elif not token.closing:
            _check_attributes(token, source)
            stack.append(_OpenTag(token.name, position, dict(token.attrs)))
        else:
            entity = _close(token, source, stack, position)
            if entity is not None:
                entities.append(entity)
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return FormattedText("".join(parts), entities)


def trim(formatted: FormattedText) -> FormattedText:
    """Drop leading and trailing whitespace as Telegram does, moving entities along."""
    text = formatted.text
    stripped = text.strip()
    if stripped == text:
        return formatted
    if not stripped:
        return FormattedText("", [])
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    entities: list[dict[str, Any]] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)


def _check_attributes(tag: Tag, source: str) -> None:
    if tag.name == "span" and tag.attrs.get("class") != "tg-spoiler":
        raise HtmlParseError('Tag "span" must have class "tg-spoiler"')
    if tag.name == "tg-emoji" and not tag.attrs.get("emoji-id", "").isdigit():
        offset = _byte_offset(source, tag.start)
        raise HtmlParseError(f'Tag "tg-emoji" needs a numeric "emoji-id" at byte offset {offset}')


def _close(tag: Tag, source: str, stack: list[_OpenTag], position: int) -> dict[str, Any] | None:
    if not stack:
        offset = _byte_offset(source, tag.start)
        raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
    top = stack.pop()
    if tag.name != top.name:
        offset = _byte_offset(source, tag.start)
        raise HtmlParseError(
            f'Unmatched end tag at byte offset {offset}, expected "</{top.name}>", '
            f'found "</{tag.name}>"'
        )
    return _entity_for(top, stack, position)


def _entity_for(tag: _OpenTag, stack: list[_OpenTag], position: int) -> dict[str, Any] | None:
    length = position - tag.start
    if length <= 0:
        return None
    kind = TAG_TYPES[tag.name]
    entity: dict[str, Any] = {"type": kind, "offset": tag.start, "length": length}
    if kind == "code" and stack and stack[-1].name == "pre":
        # <pre><code class="language-x"> is one pre entity carrying the language.
        language = tag.attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].attrs["language"] = language.removeprefix("language-")
        return None
    if kind == "pre" and tag.attrs.get("language"):
        entity["language"] = tag.attrs["language"]
    elif kind == "text_link":
        href = tag.attrs.get("href")
        if not href:
            return None
        entity["url"] = href
    elif kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    return entity
