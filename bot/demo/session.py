"""The demo's command interpreter: personas talk to the real bot on the simulated Telegram."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.content.audio import AudioError
from bot.demo.recording import record_tone, working_copy
from bot.simtelegram import SimMessage
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness

DEEP_LINK = re.compile(r"https://t\.me/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)")
DURATION = re.compile(r"^(\d+)\s*([dhm])$")
MEDIA_KINDS = ("sticker", "photo", "voice", "document", "location", "video", "video_note")
HELP = """\
Commands:
  as NAME          speak as a persona: admin, volunteer, volunteer2, grandma, child, stranger
  say TEXT         send TEXT (any line that is not a command is sent too)
  press N|LABEL    press a button of your newest message with buttons
  follow [ROLE|URL] open an invitation link (sends /start PAYLOAD): the newest one meant
                   for you, or for ROLE (child, grandparent, volunteer), or the URL given
  send KIND        send a sticker, photo, voice, video_note, document, location or video
  group            print the volunteer group chat;  gsay TEXT  send TEXT in the group
  gpress N|LABEL   press a button in the volunteer group
  wait 7d|2h|15m   move the clock forward, running every job that falls due
  record ID N      a generated tone as step N of lesson ID (in a temporary content copy)
  show             reprint your chat
  expect TEXT      fail unless TEXT was in what the bot sent since the last action
  help, quit
Start here: `as admin`, `say /help` shows what a coordinator can do (`/invite volunteer`
makes a volunteer's link: `as volunteer`, `follow`). Or watch the whole tour first:
qiao demo --script demo/tour.txt"""


ROLE_WORDS = {
    "child": "child",
    "grandparent": "caregiver",
    "grandma": "caregiver",
    "caregiver": "caregiver",
    "volunteer": "volunteer",
    "volunteer2": "volunteer",
}
"""`follow ROLE` and the persona speaking: which invitation each means."""


def link_role(text_before: str) -> str | None:
    """Whom a link is for, from the words the bot put before it (zh or en)."""
    last = text_before.strip().splitlines()[-1] if text_before.strip() else ""
    if "给孩子" in last or "for child" in last:
        return "child"
    if "家长" in last or "caregiver" in last:
        return "caregiver"
    if "志愿者" in last or "olunteer" in last:
        return "volunteer"
    return None


class ExpectationFailed(Exception):
    """An `expect` line found nothing matching in the bot's latest output."""


@dataclass
class Transcript:
    """What the bot did since the last action, printed as it happens."""

    names: dict[int, str]
    out: Callable[[str], None]
    latest: list[str] = field(default_factory=list)

    links: list[tuple[str | None, str]] = field(default_factory=list)
    """Every invitation link the bot showed, oldest first: (whom it is for, payload)."""

    def on_event(self, action: str, message: SimMessage) -> None:
        """Print one thing the bot sent, edited or deleted; remember the links it showed."""
        who = self.names.get(message.chat_id, str(message.chat_id))
        if action != "deleted":
            text = message.plain_text or ""
            for found in DEEP_LINK.finditer(text):
                self.links.append((link_role(text[: found.start()]), found.group(1)))
        if action == "deleted":
            line = f"  ✂ [{who}] message #{message.message_id} deleted"
            self.out(line)
            self.latest.append(line)
            return
        mark = "✎ edited" if action == "edited" else "→"
        body = message.plain_text or f"({message.kind})"
        if message.kind not in ("text",):
            body = f"[{message.kind}] {body}".rstrip()
        lines = [f"  {mark} [{who}] #{message.message_id}"]
        lines += [f"    {line}" for line in body.splitlines()]
        for number, button in enumerate(message.buttons, start=1):
            lines.append(
                f"    [{number}] {button.text}" + (f"  ({button.url})" if button.url else "")
            )
        text = "\n".join(lines)
        self.out(text)
        self.latest.append(text)


class DemoSession:
    """Runs demo commands one line at a time against a started Harness."""

    def __init__(self, harness: Harness, out: Callable[[str], None] = print) -> None:
        self.h = harness
        self.out = out
        self.persona = "grandma"
        names = {p.user_id: p.name for p in harness.personas.values()}
        names[VOLUNTEER_CHAT_ID] = "volunteers (group)"
        self.transcript = Transcript(names, out)
        self.history: list[str] = []
        harness.sim.subscribe(self.transcript.on_event)

    @property
    def prompt(self) -> str:
        """Shows who is speaking."""
        return f"{self.persona}> "

    async def execute(self, line: str) -> bool:
        """Run one line; return False on `quit`. Raises ExpectationFailed on a failed expect."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        verb, _, rest = line.partition(" ")
        rest = rest.strip()
        if verb == "expect":
            self._expect(rest)
            return True
        if verb in ("quit", "exit"):
            return False
        if verb == "help":
            self.out(HELP)
            return True
        self.history.extend(self.transcript.latest)
        self.transcript.latest = []
        await self._act(verb, rest, line)
        return True

    async def _act(self, verb: str, rest: str, line: str) -> None:
        h = self.h
        if verb == "as":
            if rest not in h.personas:
                self.out(f"  ! unknown persona {rest!r}; try: {', '.join(h.personas)}")
                return
            self.persona = rest
            self.out(f"  (you are now {rest})")
        elif verb == "say":
            await h.say(self.persona, rest)
        elif verb == "gsay":
            await h.say(self.persona, rest, chat_id=VOLUNTEER_CHAT_ID)
        elif verb in ("press", "gpress"):
            target: str | int = int(rest) if rest.isdigit() else rest
            chat = VOLUNTEER_CHAT_ID if verb == "gpress" else None
            answered = len(h.sim.calls_to("answerCallbackQuery"))
            try:
                await h.press(self.persona, target, chat_id=chat)
            except LookupError as exc:
                self.out(f"  ! {exc}")
            self._print_popups(answered)
        elif verb == "qiao":  # a shell command (the banner's tour hint) typed at the prompt
            self.out(f"  ! `{line}` is a command for your terminal: `quit`, then run it there")
        elif verb == "follow":
            payload = self._link_for(rest)
            if payload is not None:
                await h.say(self.persona, f"/start {payload}")
        elif verb == "send":
            if rest not in MEDIA_KINDS:
                self.out(f"  ! send one of: {', '.join(MEDIA_KINDS)}")
                return
            await h.deliver(h.sim.user_sends_media(h.user_id(self.persona), rest))  # type: ignore[arg-type]
        elif verb == "wait":
            delta = parse_duration(rest)
            if delta is None:
                self.out("  ! say how long, like: wait 7d, wait 2h, wait 15m")
                return
            await h.advance(delta)
            local = h.clock.now().astimezone(h.config.locale.zone)
            self.out(f"  (clock is now {local:%a %Y-%m-%d %H:%M} {h.config.locale.timezone})")
        elif verb == "record":
            await self._record(rest)
        elif verb == "show":
            self._print_chat(h.user_id(self.persona))
        elif verb == "group":
            self._print_chat(VOLUNTEER_CHAT_ID)
        else:
            await h.say(self.persona, line)

    async def _record(self, rest: str) -> None:
        """Stand in for a volunteer's recording: a tone, converted, then the bot restarted."""
        parts = rest.split()
        if len(parts) != 2 or not parts[1].isdigit():
            self.out("  ! say which lesson step, like: record homework-routine 1")
            return
        h = self.h
        root = working_copy(h.content_root, h.workdir)
        try:
            info = record_tone(root, parts[0], int(parts[1]))
        except AudioError as exc:
            self.out(f"  ! {exc}")
            return
        h.content_root = root
        await h.restart()
        self.out(f"  (recorded a {info.seconds:.0f} s tone as step {parts[1]} of {parts[0]})")

    def _print_chat(self, chat_id: int) -> None:
        for message in self.h.sim.messages(chat_id):
            who = (
                "bot"
                if message.from_bot
                else self.transcript.names.get(message.sender_id or 0, "?")
            )
            text = message.plain_text or f"({message.kind})"
            self.out(f"  {who}: {text}")
            for number, button in enumerate(message.buttons, start=1):
                self.out(f"    [{number}] {button.text}")

    def _link_for(self, wanted: str) -> str | None:
        """The payload `follow` opens: of the URL given, else the newest link for the role
        named (or the speaking persona's role, falling back to the newest link shown)."""
        links = self.transcript.links
        if wanted.startswith(("http://", "https://", "t.me/")):
            found = DEEP_LINK.search(wanted if "://" in wanted else f"https://{wanted}")
            if found is None:
                self.out("  ! that is not an invitation link like https://t.me/BOT?start=…")
                return None
            return found.group(1)
        if wanted and wanted not in ROLE_WORDS:
            self.out(f"  ! follow a role ({', '.join(sorted(ROLE_WORDS))}) or a link")
            return None
        role = ROLE_WORDS.get(wanted or self.persona)
        for link_role_, payload in reversed(links):
            if role is None or link_role_ == role:
                return payload
        self.out(f"  ! no invitation link for {wanted or role or 'anyone'} shown yet")
        return None

    def _print_popups(self, before: int) -> None:
        """Print the pop-up texts the bot answered button presses with (answerCallbackQuery)."""
        for call in self.h.sim.calls_to("answerCallbackQuery")[before:]:
            text = call.params.get("text")
            if call.ok and isinstance(text, str) and text:
                kind = "alert" if call.params.get("show_alert") else "pop-up"
                line = f"  💬 {kind}: {text}"
                self.out(line)
                self.transcript.latest.append(line)

    def _expect(self, wanted: str) -> None:
        wanted = shlex.split(wanted)[0] if wanted.startswith(('"', "'")) else wanted
        if not any(wanted in block for block in self.transcript.latest):
            got = "\n".join(self.transcript.latest) or "  (nothing)"
            raise ExpectationFailed(f"expected {wanted!r} in the bot's last output, got:\n{got}")
        self.out(f"  ✓ saw {wanted!r}")


def parse_duration(text: str) -> timedelta | None:
    """Read `7d`, `2h` or `15m`."""
    match = DURATION.match(text.strip())
    if not match:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    return {
        "d": timedelta(days=amount),
        "h": timedelta(hours=amount),
        "m": timedelta(minutes=amount),
    }[unit]
