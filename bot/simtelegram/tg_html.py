"""Telegram's HTML parse mode, checked the way the Bot API checks it.

Telegram accepts only a handful of tags, wants them properly nested and closed, knows only
the entities `&lt; &gt; &amp; &quot;` and numeric ones (any other `&` stays literal), and
rejects a bare `<`. What it stores is plain text plus entities whose offsets count UTF-16
code units, with leading and trailing whitespace trimmed. A bot whose template forgets to
escape a `<` fails in production with "can't parse entities", so the simulation fails the
same way instead of printing the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TAG_TYPES = {
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
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z]{2,8}));")
_SPECIAL_RE = re.compile(r"[<&]")
_TAG_NAME_RE = re.compile(r"[A-Za-z0-9-]*")
_ATTR_RE = re.compile(
    r"""([A-Za-z_][A-Za-z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"""
)


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's wording after the colon."""


@dataclass(slots=True)
class FormattedText:
    """What the recipient sees: plain text and the entities over it."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class _OpenTag:
    name: str
    start: int
    attrs: dict[str, str]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> FormattedText:
    """Parse Telegram HTML into plain text and entities (untrimmed), or raise HtmlParseError."""
    parts: list[str] = []
    position = 0  # UTF-16 offset of the end of `parts`
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    i = 0
    length = len(source)
    while i < length:
        char = source[i]
        if char == "&":
            decoded, i = _read_entity(source, i)
            parts.append(decoded)
            position += utf16_len(decoded)
        elif char != "<":
            match = _SPECIAL_RE.search(source, i)
            end = match.start() if match else length
            chunk = source[i:end]
            parts.append(chunk)
            position += utf16_len(chunk)
            i = end
        elif source.startswith("</", i):
            i = _close_tag(source, i, stack, entities, position)
        else:
            tag, i = _open_tag(source, i)
            stack.append(_OpenTag(tag[0], position, tag[1]))
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


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _read_entity(source: str, i: int) -> tuple[str, int]:
    match = _ENTITY_RE.match(source, i)
    if match is None:
        return "&", i + 1
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        named = _NAMED_ENTITIES.get(name.lower())
        return (named, match.end()) if named is not None else ("&", i + 1)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "&", i + 1
    return chr(code), match.end()


def _unescape_attribute(value: str) -> str:
    if "&" not in value:
        return value
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&":
            decoded, i = _read_entity(value, i)
            out.append(decoded)
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def _open_tag(source: str, i: int) -> tuple[tuple[str, dict[str, str]], int]:
    name_match = _TAG_NAME_RE.match(source, i + 1)
    name = name_match.group().lower() if name_match else ""
    if name not in _TAG_TYPES:
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
            break
        attr = _ATTR_RE.match(source, j)
        if attr is None or attr.end() == j:
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(source, i)}")
        raw = next((v for v in attr.groups()[1:] if v is not None), "")
        attrs[attr.group(1).lower()] = _unescape_attribute(raw)
        j = attr.end()
    _check_attributes(name, attrs, source, i)
    return (name, attrs), j + 1


def _check_attributes(name: str, attrs: dict[str, str], source: str, i: int) -> None:
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlParseError('Tag "span" must have class "tg-spoiler"')
    if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        offset = _byte_offset(source, i)
        raise HtmlParseError(f'Tag "tg-emoji" needs a numeric "emoji-id" at byte offset {offset}')


def _close_tag(
    source: str,
    i: int,
    stack: list[_OpenTag],
    entities: list[dict[str, Any]],
    position: int,
) -> int:
    end = source.find(">", i)
    offset = _byte_offset(source, i)
    if end < 0:
        raise HtmlParseError(f"Can't find end of the tag at byte offset {offset}")
    name = source[i + 2 : end].strip().lower()
    if not stack:
        raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
    top = stack.pop()
    if name != top.name:
        raise HtmlParseError(
            f'Unmatched end tag at byte offset {offset}, expected "</{top.name}>", '
            f'found "</{name}>"'
        )
    entity = _entity_for(top, stack, position)
    if entity is not None:
        entities.append(entity)
    return end + 1


def _entity_for(tag: _OpenTag, stack: list[_OpenTag], position: int) -> dict[str, Any] | None:
    length = position - tag.start
    if length <= 0:
        return None
    kind = _TAG_TYPES[tag.name]
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
