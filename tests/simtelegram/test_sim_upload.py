"""Files PTB uploads as multipart parts are received, measured and can be sent again by id."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from telegram.error import BadRequest

from bot.simtelegram import SimTelegram, UploadedFile

from .conftest import GRANDMA, PtbApp

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


async def test_photo_upload_is_recorded(app: PtbApp, sim: SimTelegram) -> None:
    """sendPhoto with bytes arrives as an upload whose size and caption are kept."""
    sent = await app.bot.send_photo(GRANDMA, PNG, caption="<b>作业</b>小贴士", parse_mode="HTML")
    upload = sim.calls_to("sendPhoto")[0].params["photo"]
    assert isinstance(upload, UploadedFile)
    assert upload.size == len(PNG)
    stored = sim.last_bot_message(GRANDMA)
    assert stored is not None
    assert (stored.kind, stored.file_size, stored.plain_text) == ("photo", len(PNG), "作业小贴士")
    assert sent.photo[-1].file_size == len(PNG)
    assert sent.caption == "作业小贴士"
    assert [e.type for e in sent.caption_entities] == ["bold"]


async def test_photo_file_id_can_be_reused(app: PtbApp, sim: SimTelegram) -> None:
    """A file_id from an earlier upload sends the same photo; an unknown id is refused."""
    first = await app.bot.send_photo(GRANDMA, PNG)
    again = await app.bot.send_photo(GRANDMA, first.photo[-1].file_id)
    assert again.photo[-1].file_unique_id == first.photo[-1].file_unique_id
    stored = sim.last_bot_message(GRANDMA)
    assert stored is not None
    assert stored.file_size == len(PNG)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await app.bot.send_photo(GRANDMA, "no-such-file")


async def test_voice_from_file_handle(app: PtbApp, sim: SimTelegram) -> None:
    """sendVoice reads an open file handle like an HTTP client would."""
    sent = await app.bot.send_voice(GRANDMA, io.BytesIO(b"OggS" + b"\0" * 500), duration=4)
    assert sent.voice is not None
    assert sent.voice.file_size == 504
    assert sent.voice.duration == timedelta(seconds=4)
    stored = sim.last_bot_message(GRANDMA)
    assert stored is not None
    assert stored.kind == "voice"


async def test_caption_limit_and_empty_file(app: PtbApp) -> None:
    """Captions over 1024 characters and empty uploads are refused."""
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await app.bot.send_photo(GRANDMA, PNG, caption="字" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
        await app.bot.send_photo(GRANDMA, b"")
