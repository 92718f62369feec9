"""The PNG charts: small, valid images that render whatever the data."""

from __future__ import annotations

import struct

from bot.services.charts import DigestWeek, MoodWeek, digest_chart, mood_chart

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def size_of(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert png.startswith(PNG_MAGIC)
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_mood_chart_is_a_small_png() -> None:
    """Twelve weeks with gaps render as a 600×280 PNG well under Telegram's photo limits."""
    weeks = [MoodWeek(f"01-{n:02d}", None if n % 4 == 0 else 1 + n % 5) for n in range(1, 13)]
    png = mood_chart(weeks)
    assert size_of(png) == (600, 280)
    assert len(png) < 100_000


def test_mood_chart_with_no_answers_still_renders() -> None:
    """A child who never answered gets an empty chart, not an error."""
    png = mood_chart([MoodWeek("01-05", None)] * 12)
    assert size_of(png) == (600, 280)


def test_mood_chart_is_deterministic() -> None:
    """The same data gives the same bytes (no timestamps or software tags inside)."""
    weeks = [MoodWeek("01-05", 3), MoodWeek("01-12", 2)]
    assert mood_chart(weeks) == mood_chart(weeks)


def test_digest_chart_is_a_small_png() -> None:
    """Eight weeks of numbers, including an empty week, render as a PNG."""
    weeks = [DigestWeek(f"w{n}", 10 + n, 8, n % 2, n % 3) for n in range(7)]
    weeks.append(DigestWeek("w7", 0, 0, 0, 0))
    png = digest_chart(weeks)
    assert size_of(png) == (600, 280)
    assert len(png) < 100_000
