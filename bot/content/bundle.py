"""The loaded, checked content the bot runs on, and the one place that renders its texts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from bot.content.check import inspect_content
from bot.content.models import (
    FALLBACK_LANGUAGE,
    PARENT_TRACK,
    TRACKS,
    CheckinSet,
    Lesson,
    Localized,
)
from bot.content.problems import ContentError
from bot.content.render import Renderer


class ContentBundle:
    """Lessons, check-in sets and UI strings, valid by construction (see `load_content`)."""

    __slots__ = (
        "_by_id",
        "_by_track",
        "_checkins",
        "_lessons",
        "_renderer",
        "_sequence",
        "_ui",
        "languages",
        "root",
    )

    def __init__(
        self,
        root: Path,
        lessons: tuple[Lesson, ...],
        checkins: Mapping[str, CheckinSet],
        ui: Mapping[str, Localized],
        languages: tuple[str, ...],
        renderer: Renderer | None = None,
        sequence: tuple[str, ...] = (),
    ) -> None:
        self.root = root
        self.languages = languages
        self._lessons = lessons
        self._by_id = {lesson.id: lesson for lesson in lessons}
        self._by_track = {
            track: tuple(lesson for lesson in lessons if lesson.track == track) for track in TRACKS
        }
        self._checkins: Mapping[str, CheckinSet] = MappingProxyType(dict(checkins))
        self._ui: Mapping[str, Localized] = MappingProxyType(dict(ui))
        self._renderer = renderer or Renderer()
        self._sequence = tuple(
            self._by_id[i]
            for i in sequence
            if i in self._by_id and self._by_id[i].track != PARENT_TRACK
        )

    @property
    def sequence(self) -> tuple[Lesson, ...]:
        """The lessons in the order the sequence file gives (empty when there is no such file)."""
        return self._sequence

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        """Every lesson, by track (homework, stress, feelings, connection, safety) then order."""
        return self._lessons

    @property
    def tracks(self) -> tuple[str, ...]:
        """The grandparents' tracks that have lessons, in the fixed track order."""
        return tuple(t for t in TRACKS if self._by_track[t] and t != PARENT_TRACK)

    @property
    def parent_lessons(self) -> tuple[Lesson, ...]:
        """The parents' track, in its lessons' own order."""
        return self._by_track[PARENT_TRACK]

    @property
    def checkins(self) -> Mapping[str, CheckinSet]:
        """Check-in sets by id."""
        return self._checkins

    @property
    def ui_keys(self) -> tuple[str, ...]:
        """Every UI string key, sorted."""
        return tuple(sorted(self._ui))

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson with this id; KeyError if there is none."""
        return self._by_id[lesson_id]

    def lessons_in(self, track: str) -> tuple[Lesson, ...]:
        """A track's lessons in order (empty for a track without lessons); KeyError for no track."""
        return self._by_track[track]

    def checkin(self, checkin_id: str) -> CheckinSet:
        """The check-in set with this id; KeyError if there is none."""
        return self._checkins[checkin_id]

    def language(self, lang: str | None) -> str:
        """The content language for a person's language code: en-US → en; unknown → zh."""
        if not lang:
            return FALLBACK_LANGUAGE
        if lang in self.languages:
            return lang
        lowered = lang.lower().replace("_", "-")
        for candidate in (lowered, lowered.split("-")[0]):
            if candidate in self.languages:
                return candidate
        return FALLBACK_LANGUAGE

    def render(self, text: Localized, lang: str, /, **values: object) -> str:
        """A message text in `lang`, values HTML-escaped; a name the text needs but lacks raises."""
        return self._render(text, lang, values, html=True)

    def render_label(self, text: Localized, lang: str, /, **values: object) -> str:
        """A button label in `lang`: plain text (Telegram does not parse HTML on buttons)."""
        return self._render(text, lang, values, html=False)

    def ui(self, key: str, lang: str, /, **values: object) -> str:
        """A UI string rendered as a message text; KeyError for an unknown key."""
        return self._render(self._ui_text(key), lang, values, html=True)

    def ui_label(self, key: str, lang: str, /, **values: object) -> str:
        """A UI string rendered as a button label (plain text)."""
        return self._render(self._ui_text(key), lang, values, html=False)

    def ui_text(self, key: str) -> Localized:
        """The UI string itself, for callers that hand it on to `render`."""
        return self._ui_text(key)

    def _ui_text(self, key: str) -> Localized:
        try:
            return self._ui[key]
        except KeyError:
            raise KeyError(f"no UI string '{key}' in {self.root}/ui") from None

    def _render(
        self, text: Localized, lang: str, values: Mapping[str, object], *, html: bool
    ) -> str:
        source = text.get(self.language(lang))
        try:
            return self._renderer.render(source, values, html=html)
        except Exception as exc:
            exc.add_note(f"while rendering the text at {text.origin}")
            raise


def load_content(root: Path) -> ContentBundle:
    """Read and check the content folder; ContentError lists every problem if anything is wrong."""
    found = inspect_content(root)
    if found.problems:
        raise ContentError(found.problems)
    return ContentBundle(
        root,
        tuple(found.lessons),
        {checkin.id: checkin for checkin in found.checkins},
        found.ui,
        found.languages,
        found.renderer,
        found.sequence.lesson_ids if found.sequence is not None else (),
    )
