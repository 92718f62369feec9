"""Pseudonyms: four look-alike-free characters, unique across people and families."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

import pytest

from bot.services.pseudonyms import ALPHABET, PATTERN, PseudonymsExhausted, new_pseudonym, normalise
from bot.simtelegram.harness import Harness
from storage import families


def test_alphabet_has_no_look_alikes() -> None:
    """0/O, 1/I/L never appear, so a pseudonym can be read aloud without confusion."""
    assert not set("0O1IL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET)


def test_normalise_accepts_typed_forms_only() -> None:
    """Lower case and spaces are forgiven; look-alike characters and wrong shapes are not."""
    assert normalise(" f-7q2k ") == "F-7Q2K"
    assert normalise("F-7Q2O") is None
    assert normalise("F-7Q2") is None
    assert normalise("X-7Q2K") is None


async def test_taken_pseudonyms_are_skipped(harness: Harness) -> None:
    """When the first candidate is a family's pseudonym, the next free one is used."""
    picks: Iterator[str] = iter("2222" + "3333")

    def choose(_alphabet: Sequence[str]) -> str:
        return next(picks)

    def make(conn: sqlite3.Connection) -> str:
        families.create(
            conn, pseudonym="C-2222", label="x", volunteer_id=None, timezone="UTC", now=0
        )
        return new_pseudonym(conn, "child", choose=choose)

    assert await harness.runtime.db.tx(make) == "C-3333"


async def test_gives_up_rather_than_loop_forever(harness: Harness) -> None:
    """If every candidate is taken the generator raises instead of spinning."""

    def make(conn: sqlite3.Connection) -> str:
        families.create(
            conn, pseudonym="F-2222", label="x", volunteer_id=None, timezone="UTC", now=0
        )
        return new_pseudonym(conn, "family", choose=lambda _a: "2")

    with pytest.raises(PseudonymsExhausted):
        await harness.runtime.db.tx(make)


async def test_generated_pseudonyms_have_the_shape(harness: Harness) -> None:
    """Real draws match F-XXXX over the alphabet."""
    drawn = await harness.runtime.db.run(
        lambda c: [new_pseudonym(c, kind) for kind in ("family", "caregiver", "child")]
    )
    assert all(PATTERN.fullmatch(p) for p in drawn)
    assert [p[0] for p in drawn] == ["F", "G", "C"]
