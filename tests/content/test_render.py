"""The renderer: sandboxed, strict, escaping, and compiling each template only once."""

from __future__ import annotations

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.sandbox import SandboxedEnvironment

from bot.content.render import LESSON_NAMES, Renderer, sample_values


def test_templates_are_compiled_once_and_reused() -> None:
    """Rendering the same source twice uses the same compiled template."""
    renderer = Renderer()
    first = renderer.compile("{{ name }}，您好")
    assert renderer.compile("{{ name }}，您好") is first
    assert renderer.render("{{ name }}，您好", {"name": "王奶奶"}) == "王奶奶，您好"


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(exclude_characters="{"), max_size=80))
def test_text_without_template_syntax_renders_as_jinja_would(source: str) -> None:
    """The shortcut for plain texts gives exactly what Jinja2 itself would give."""
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    assert Renderer().render(source, {}) == env.from_string(source).render().strip()


def test_names_lists_what_a_template_reads() -> None:
    """The checker learns which names a text uses, even in a branch not taken."""
    renderer = Renderer()
    assert renderer.names("{% if child %}{{ name }}{% endif %}好") == {"child", "name"}
    assert renderer.names("没有变量") == frozenset()


def test_sample_values_cover_every_lesson_name_in_each_language() -> None:
    """The checker has a realistic value for every name a lesson may use, in zh and en."""
    assert sample_values("zh", LESSON_NAMES) == {"name": "王奶奶", "child": "小明"}
    assert set(sample_values("en", LESSON_NAMES)) == set(LESSON_NAMES)
