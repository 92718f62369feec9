"""`qiao demo`: the real bot on a simulated Telegram, in the terminal or from a script."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot import logs
from bot.demo.session import HELP, DemoSession, ExpectationFailed
from bot.simtelegram.harness import Harness

BANNER = """\
Qiao demo — the real bot, a simulated Telegram, a temporary database.
The cast: admin, volunteer, volunteer2, grandma, child, stranger; the group: volunteers.
Type `help` for commands. Try the tour: qiao demo --script demo/tour.txt"""


def demo_command(args: argparse.Namespace) -> int:
    """Run interactively, or run a script and exit 1 on the first failed expect."""
    logs.configure(fmt="text", level="WARNING")
    script: Path | None = args.script
    if script is not None:
        lines = script.read_text(encoding="utf-8").splitlines()
        return asyncio.run(_run_script(lines, echo=True))
    if not sys.stdin.isatty():  # piped commands: behave like a script read from stdin
        return asyncio.run(_run_script(sys.stdin.read().splitlines(), echo=True))
    print(BANNER)  # printed here, before anything else: never sent as a chat message
    try:
        return asyncio.run(_interactive())
    except KeyboardInterrupt:  # Ctrl-C: the bot and the temporary database are already closed
        print("\nbye")
        return 0


async def _run_script(lines: list[str], *, echo: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="qiao-demo-") as tmp:
        async with Harness(Path(tmp)) as harness:
            session = DemoSession(harness)
            for number, line in enumerate(lines, start=1):
                if echo and line.strip() and not line.lstrip().startswith("#"):
                    print(f"{session.prompt}{line.strip()}")
                try:
                    if not await session.execute(line):
                        break
                except ExpectationFailed as exc:
                    print(f"FAILED at line {number}: {exc}", file=sys.stderr)
                    return 1
    print("demo script finished: every expect passed")
    return 0


async def read_line(prompt: str, interrupted: asyncio.Event | None = None) -> str:
    """One line from the terminal without a thread: the event loop watches stdin, so Ctrl-C
    ends the demo at once (a thread blocked in input() would hold the process until Enter).
    EOFError at the end of input or once `interrupted` is set."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()
    fd = sys.stdin.fileno()

    def ready() -> None:
        line = sys.stdin.readline()
        if not answer.done():
            if line:
                answer.set_result(line.rstrip("\n"))
            else:
                answer.set_exception(EOFError())

    print(prompt, end="", flush=True)
    loop.add_reader(fd, ready)
    stop: asyncio.Task[bool] | None = None
    if interrupted is not None:
        stop = asyncio.ensure_future(interrupted.wait())
    try:
        if stop is not None:
            waiting: set[asyncio.Future[Any]] = {answer, stop}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if not answer.done():
                raise EOFError
        return await answer
    finally:
        loop.remove_reader(fd)
        if stop is not None:
            stop.cancel()


async def _interactive() -> int:
    # Ctrl-C sets an event instead of cancelling whatever the bot is doing: the demo then
    # leaves by the same door as the end of input (the bot stops, the folder is removed).
    interrupted = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, interrupted.set)
    try:
        with tempfile.TemporaryDirectory(prefix="qiao-demo-") as tmp:
            async with Harness(Path(tmp)) as harness:
                session = DemoSession(harness)
                while not interrupted.is_set():
                    try:
                        line = await read_line(session.prompt, interrupted)
                    except EOFError:
                        break
                    try:
                        if not await session.execute(line):
                            break
                    except ExpectationFailed as exc:
                        print(f"  ✗ {exc}")
    finally:
        loop.remove_signal_handler(signal.SIGINT)
    print("\nbye" if interrupted.is_set() else "bye")
    return 0


__all__ = ["HELP", "demo_command"]
