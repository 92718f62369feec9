"""Voice ("read it to me"): recorded steps as voice notes, the 🔊 button, uploads kept."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.content.audio import conventional_path
from bot.simtelegram import Fault, UploadedFile
from bot.simtelegram.harness import Harness
from storage import people
from storage import voice as voice_store
from tests.factories import make_family
from tests.lessons.helpers import NEXT, press_data
from tests.recordings import content_with_recordings

LESSON = "homework-routine"  # the first lesson /next opens
LISTEN = "🔊 听一听"


def labels(h: Harness, who: str = "grandma") -> list[str]:
    """The buttons of the bot's newest message to a persona."""
    message = h.sim.last_bot_message(h.user_id(who))
    assert message is not None
    return [b.text for b in message.buttons]


async def test_voice_mode_sends_a_recorded_step_as_one_voice_note_with_its_text(
    tmp_path: Path,
) -> None:
    """With "read it to me" on, a recorded step is one voice note captioned with its text."""
    root = content_with_recordings(tmp_path, {LESSON: (1,)})
    async with Harness(tmp_path, content_root=root) as h:
        await make_family(h)
        await h.say("grandma", "/voice on")
        before = len(h.sim.bot_messages(h.user_id("grandma")))
        await h.say("grandma", "/next")
        [step] = h.sim.bot_messages(h.user_id("grandma"))[before:]
        assert step.kind == "voice"
        assert "（1/5）" in step.plain_text
        assert labels(h) == ["下一步 ▶", "🙋 找志愿者"]
        [call] = h.sim.calls_to("sendVoice")
        upload = call.params["voice"]
        assert isinstance(upload, UploadedFile)
        assert upload.content == conventional_path(root, LESSON, 1).read_bytes()


async def test_a_recording_is_uploaded_once_and_its_file_id_reused_after_a_restart(
    tmp_path: Path,
) -> None:
    """The first send uploads the file; later sends, even after a restart, reuse its file id."""
    root = content_with_recordings(tmp_path, {LESSON: (1,)})
    async with Harness(tmp_path, content_root=root) as h:
        await make_family(h)
        await h.say("grandma", "/voice on")
        await h.say("grandma", "/next")
        first = h.sim.last_bot_message(h.user_id("grandma"))
        assert first is not None
        await h.say("grandma", "/next")
        await h.restart()
        await h.say("grandma", "/next")
        calls = h.sim.calls_to("sendVoice")
        assert [call.ok for call in calls] == [True, True, True]
        assert isinstance(calls[0].params["voice"], UploadedFile)
        assert [call.params["voice"] for call in calls[1:]] == [first.file_id, first.file_id]
        assert await h.runtime.db.run(voice_store.uploads) == 1


async def test_text_mode_step_with_a_recording_has_a_listen_button_that_plays_it(
    tmp_path: Path,
) -> None:
    """Without voice mode a recorded step is text with 🔊, which sends its recording."""
    root = content_with_recordings(tmp_path, {LESSON: (1,)})
    async with Harness(tmp_path, content_root=root) as h:
        await make_family(h)
        await h.say("grandma", "/next")
        assert labels(h) == ["下一步 ▶", LISTEN, "🙋 找志愿者"]
        assert h.sim.calls_to("sendVoice") == []
        await h.press("grandma", LISTEN)
        voice = h.sim.last_bot_message(h.user_id("grandma"))
        assert voice is not None
        assert voice.kind == "voice"
        [call] = h.sim.calls_to("sendVoice")
        assert isinstance(call.params["voice"], UploadedFile)

        await h.press("grandma", NEXT)
        step_two = h.sim.last_bot_message(h.user_id("grandma"))
        assert step_two is not None
        assert "（2/5）" in step_two.plain_text
        assert LISTEN not in labels(h)


async def test_voice_mode_step_without_a_recording_is_plain_text(tmp_path: Path) -> None:
    """A step nobody recorded comes as one text message, without 🔊, in voice mode too."""
    root = content_with_recordings(tmp_path, {LESSON: (1,)})
    async with Harness(tmp_path, content_root=root) as h:
        await make_family(h)
        await h.say("grandma", "/voice on")
        await h.say("grandma", "/next")
        before = len(h.sim.bot_messages(h.user_id("grandma")))
        await h.press("grandma", NEXT)
        [step] = h.sim.bot_messages(h.user_id("grandma"))[before:]
        assert (step.kind, "（2/5）" in step.plain_text) == ("text", True)
        assert labels(h) == ["下一步 ▶", "🙋 找志愿者"]
        assert len(h.sim.calls_to("sendVoice")) == 1


async def test_listen_presses_for_an_unreached_step_or_by_someone_else_send_nothing(
    tmp_path: Path,
) -> None:
    """A forged 🔊 for a step not reached yet, or from the child, gets a pop-up and no voice."""
    root = content_with_recordings(tmp_path, {LESSON: (1, 3)})
    async with Harness(tmp_path, content_root=root) as h:
        await make_family(h)
        await h.say("grandma", "/next")
        ahead = await press_data(h, "grandma", f"ls:say:{LESSON}:2")
        assert ahead is not None
        assert ahead["text"] == "这个按钮已经用过了，请看最新的消息。"
        await h.say("child", "/help")
        foreign = await press_data(h, "child", f"ls:say:{LESSON}:0")
        assert foreign is not None
        assert foreign["text"] == "这个按钮是给这位家长用的。"
        unknown = await press_data(h, "grandma", "ls:say:no-such-lesson:0")
        assert unknown is not None
        assert unknown["text"] == "这个按钮已经用过了，请看最新的消息。"
        assert h.sim.calls_to("sendVoice") == []


async def test_a_file_id_telegram_refuses_is_replaced_by_a_new_upload(tmp_path: Path) -> None:
    """A stored file id Telegram no longer accepts is dropped and the file uploaded again."""
    root = content_with_recordings(tmp_path, {LESSON: (1,)})
    async with Harness(tmp_path, content_root=root) as h:
        await make_family(h)
        await h.say("grandma", "/voice on")
        await h.say("grandma", "/next")
        [upload] = h.sim.calls_to("sendVoice")
        await h.runtime.db.tx(
            lambda c: c.execute("UPDATE voice_files SET file_id = 'from-another-bot'")
        )
        await h.say("grandma", "/next")
        refused, again = h.sim.calls_to("sendVoice")[1:]
        assert (refused.ok, refused.params["voice"]) == (False, "from-another-bot")
        assert again.ok
        assert isinstance(again.params["voice"], UploadedFile)
        step = h.sim.last_bot_message(h.user_id("grandma"))
        assert step is not None
        assert step.kind == "voice"
        stored = await h.runtime.db.run(
            lambda c: c.execute("SELECT file_id FROM voice_files").fetchall()
        )
        assert [row[0] for row in stored] == [step.file_id]
        assert upload.ok


async def test_a_voice_note_telegram_refuses_falls_back_to_the_text(tmp_path: Path) -> None:
    """When Telegram will not deliver the voice note, the step arrives as text with its buttons."""
    root = content_with_recordings(tmp_path, {LESSON: (1,)})
    async with Harness(tmp_path, content_root=root) as h:
        await make_family(h)
        await h.say("grandma", "/voice on")
        h.sim.fail_next("sendVoice", Fault.bad_request("VOICE_MESSAGES_FORBIDDEN"))
        await h.say("grandma", "/next")
        step = h.sim.last_bot_message(h.user_id("grandma"))
        assert step is not None
        assert (step.kind, "（1/5）" in step.plain_text) == ("text", True)
        assert labels(h)[0] == "下一步 ▶"


async def test_a_recording_gone_from_disk_falls_back_to_the_text(tmp_path: Path) -> None:
    """A recording deleted while the bot runs never stalls the lesson: the text comes instead."""
    root = content_with_recordings(tmp_path, {LESSON: (1,)})
    async with Harness(tmp_path, content_root=root) as h:
        await make_family(h)
        await h.say("grandma", "/voice on")
        conventional_path(root, LESSON, 1).unlink()
        await h.say("grandma", "/next")
        step = h.sim.last_bot_message(h.user_id("grandma"))
        assert step is not None
        assert (step.kind, "（1/5）" in step.plain_text) == ("text", True)
        assert h.sim.calls_to("sendVoice") == []


async def test_voice_command_switches_and_shows_the_setting(harness: Harness) -> None:
    """/voice on and off switch the setting; /voice alone shows it with two big buttons."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/voice")
    status = h.sim.last_bot_message(h.user_id("grandma"))
    assert status is not None
    assert "发文字" in status.plain_text
    assert labels(h) == ["🔊 念给我听", "📖 我自己看"]
    await h.press("grandma", "念给我听")
    assert await h.runtime.db.run(lambda c: voice_store.mode(c, ids.caregiver_id)) is True
    assert labels(h) == []
    await h.say("grandma", "/voice off")
    assert await h.runtime.db.run(lambda c: voice_store.mode(c, ids.caregiver_id)) is False
    await h.say("child", "/voice on")
    child_reply = h.sim.last_bot_message(h.user_id("child"))
    assert child_reply is not None
    assert "念给我听" in child_reply.plain_text
    assert await h.runtime.db.run(lambda c: voice_store.mode(c, ids.caregiver_id)) is False


async def test_voice_buttons_pressed_by_someone_else_change_nothing(harness: Harness) -> None:
    """The child pressing grandma's voice button, or forged data, gets a pop-up only."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/voice")
    await h.say("child", "/help")
    foreign = await press_data(h, "child", "vo:on")
    assert foreign is not None
    assert foreign["text"] == "这个按钮是给这位家长用的。"
    forged = await press_data(h, "grandma", "vo:loud")
    assert forged is not None
    assert forged["text"] == "这个按钮已经用过了，请看最新的消息。"
    assert await h.runtime.db.run(lambda c: voice_store.mode(c, ids.caregiver_id)) is None


async def test_a_step_too_long_for_a_caption_comes_as_voice_then_text(tmp_path: Path) -> None:
    """Past Telegram's 1024-character caption, the voice note comes first, then the text."""
    root = content_with_recordings(tmp_path, {LESSON: (1,)})
    path = root / "lessons" / "homework-01-routine.yaml"
    lesson = yaml.safe_load(path.read_text(encoding="utf-8"))
    lesson["steps"][0]["text"]["en"] = " ".join(["Grandchildrenhomework"] * 55)
    path.write_text(yaml.safe_dump(lesson, allow_unicode=True, sort_keys=False), encoding="utf-8")
    async with Harness(tmp_path, content_root=root) as h:
        ids = await make_family(h)
        await h.runtime.db.tx(lambda c: people.set_lang(c, ids.caregiver_id, "en"))
        await h.say("grandma", "/voice on")
        before = len(h.sim.bot_messages(h.user_id("grandma")))
        await h.say("grandma", "/next")
        voice, text = h.sim.bot_messages(h.user_id("grandma"))[before:]
        assert (voice.kind, voice.plain_text, voice.buttons) == ("voice", "", [])
        assert text.kind == "text"
        assert "Grandchildrenhomework" in text.plain_text
        assert [b.text for b in text.buttons] == ["Next ▶", "🙋 Ask a volunteer"]
