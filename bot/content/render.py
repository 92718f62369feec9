"""Turn content templates into message text, safely and cheaply.

Messages use Telegram's HTML parse mode, so every value put into a template is HTML-escaped
(a nickname like `<Tom & Jerry>` must not break or inject markup); button labels are not parsed
by Telegram, so they are rendered without escaping. Templates run in Jinja2's sandbox with
`StrictUndefined`: a misspelt name fails loudly instead of sending a message with a hole in it.
Rendering happens on every send, so each source is compiled once and cached; most texts use no
template syntax at all and skip Jinja2 entirely.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

LESSON_NAMES: tuple[str, ...] = ("name", "child")
"""Names a lesson text may use: the grandparent's chosen form of address, the child's nickname."""

CHECKIN_NAMES: tuple[str, ...] = ("nickname", "weekday")
"""Names a check-in text may use: the child's nickname and the localized weekday."""

_SAMPLES: Mapping[str, Mapping[str, str]] = {
    "zh": {"name": "王奶奶", "child": "小明", "nickname": "小明", "weekday": "星期六"},
    "en": {"name": "Grandma Wang", "child": "Ming", "nickname": "Ming", "weekday": "Saturday"},
}


def sample_values(lang: str, names: tuple[str, ...]) -> dict[str, str]:
    """Realistic values for `names` in `lang` (English ones for languages without their own)."""
    samples = _SAMPLES.get(lang.split("-")[0], _SAMPLES["en"])
    return {name: samples[name] for name in names}


_LINE_BREAKS = re.compile(r"\r\n|\r")


@dataclass(frozen=True)
class _Literal:
    """A source without template syntax: rendering it is returning it."""

    text: str


def _has_syntax(source: str) -> bool:
    return "{" in source


def _literal_output(source: str) -> str:
    # What Jinja2 does to text: line breaks become "\n", and one trailing newline is dropped.
    text = _LINE_BREAKS.sub("\n", source)
    return text[:-1] if text.endswith("\n") else text


class Renderer:
    """Compiles and caches templates; one per loaded content bundle."""

    def __init__(self) -> None:
        self._html = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
        self._plain = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
        self._cache: dict[tuple[bool, str], jinja2.Template | _Literal] = {}

    def compile(self, source: str, *, html: bool = True) -> jinja2.Template | _Literal:
        """The compiled form of `source`; raises jinja2.TemplateSyntaxError if it is malformed."""
        key = (html, source)
        compiled = self._cache.get(key)
        if compiled is None:
            if _has_syntax(source):
                env = self._html if html else self._plain
                compiled = env.from_string(source)
            else:
                compiled = _Literal(_literal_output(source))
            self._cache[key] = compiled
        return compiled

    def render(self, source: str, values: Mapping[str, object], *, html: bool = True) -> str:
        """Render `source` with `values` (HTML-escaped when `html`); a missing name raises.

        An HTML result is a `markupsafe.Markup` (still a str): passed as a value into another
        text it is known to be markup already and is not escaped a second time.
        """
        compiled = self.compile(source, html=html)
        if isinstance(compiled, _Literal):
            text = compiled.text.strip()
        else:
            text = compiled.render(values).strip()
        # The text is the output of an autoescaping template: values escaped, markup validated.
        return Markup(text) if html else text  # noqa: S704 - trusted template output, see above

    def names(self, source: str) -> frozenset[str]:
        """The names a template reads from its values (parses; raises on a syntax error)."""
        if not _has_syntax(source):
            return frozenset()
        return frozenset(meta.find_undeclared_variables(self._html.parse(source)))
