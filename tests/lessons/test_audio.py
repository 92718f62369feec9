"""Steps with a voice recording send it along with the text."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bot.harness import REPO_CONTENT, Harness
from bot.simtelegram import UploadedFile
from tests.factories import make_family

VOICE = b"OggS" + bytes(range(200))


def content_with_audio(tmp_path: Path) -> Path:
    """A copy of the shipped content whose first lesson's first step has a voice file."""
    root = tmp_path / "content"
    shutil.copytree(REPO_CONTENT, root)
    (root / "audio").mkdir()
    (root / "audio" / "homework-routine-1.ogg").write_bytes(VOICE)
    path = root / "lessons" / "homework-01-routine.yaml"
    lesson = yaml.safe_load(path.read_text(encoding="utf-8"))
    lesson["steps"][0]["audio"] = "audio/homework-routine-1.ogg"
    path.write_text(yaml.safe_dump(lesson, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


async def test_step_with_audio_sends_the_voice_message(tmp_path: Path) -> None:
    """The voice file goes out just before the step's text; showing it again reuses the file id."""
    async with Harness(tmp_path, content_root=content_with_audio(tmp_path)) as h:
        await make_family(h)
        await h.say("grandma", "/next")
        voice, text = h.sim.bot_messages(h.user_id("grandma"))[-2:]
        assert voice.kind == "voice"
        assert voice.file_size == len(VOICE)
        assert "🙋 找志愿者" in [b.text for b in voice.buttons]
        assert text.kind == "text"
        assert "（1/5）" in text.plain_text
        [call] = h.sim.calls_to("sendVoice")
        upload = call.params["voice"]
        assert isinstance(upload, UploadedFile)
        assert upload.content == VOICE

        await h.say("grandma", "/next")
        again = h.sim.calls_to("sendVoice")[-1]
        assert again.ok
        assert again.params["voice"] == voice.file_id

        await h.press("grandma", "下一步")
        assert len(h.sim.calls_to("sendVoice")) == 2  # step 2 has no recording
