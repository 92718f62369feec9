"""The yardsticks Qiao is measured against, on the same simulated Telegram.

- A bare python-telegram-bot echo: the framework's ceiling on this transport.
- A durable echo that writes each message to SQLite through aiosqlite with one INSERT and a
  commit before replying: the floor of any bot that stores what it hears.
- A durable button echo: the same store-then-reply, but doing the Telegram work one check-in
  answer needs — a button press comes in, the press is answered, the pressed message's
  buttons are replaced by one "✓" button, and the next message goes out as HTML with its own
  buttons. What Qiao spends beyond it is Qiao's own logic, not the shape of the UI.
- A durable in-place echo: the same press, stored, answered, and the pressed message edited
  into the next question (text and buttons): the floor of a check-in kept in one message.

All run the same PTB Application code path Qiao runs: `process_update`, a handler, sends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosqlite
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.simtelegram import SimTelegram

EchoApp = Application[Any, Any, Any, Any, Any, Any]
FIRST_UID = 800_000_000
QUESTION = "在学校里，你和同学们处得好吗？这个星期有没有什么开心的事？"
OPTIONS = ("挺好，有好朋友", "还行", "有点孤单", "有人欺负我")


def _keyboard(n: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=f"ci:{n}:friends:{i}")]
            for i, label in enumerate(OPTIONS)
        ]
    )


class EchoBot:
    """An echo bot on its own SimTelegram, with `users` people who write to it.

    `database` makes it durable (one INSERT and a commit before replying); `buttons` makes
    it answer button presses the way a check-in answer is answered.
    """

    def __init__(
        self,
        users: int,
        database: Path | None = None,
        *,
        buttons: bool = False,
        in_place: bool = False,
    ) -> None:
        self.sim = SimTelegram()
        self.uids = [FIRST_UID + i for i in range(users)]
        for uid in self.uids:
            self.sim.add_user(uid, "用户")
        self.database = database
        self.buttons = buttons or in_place
        self.in_place = in_place
        self.conn: aiosqlite.Connection | None = None
        self.newest: dict[int, int] = {}
        self.app: EchoApp = (
            ApplicationBuilder()
            .token(self.sim.token)
            .request(self.sim.request())
            .get_updates_request(self.sim.request())
            .build()
        )
        if self.buttons:
            self.app.add_handler(CallbackQueryHandler(self._press))
        else:
            handler = self._durable if database is not None else self._echo
            self.app.add_handler(MessageHandler(filters.TEXT, handler))

    async def start(self) -> None:
        """Initialise PTB (getMe), open the database as Qiao does, show the first buttons."""
        await self.app.initialize()
        if self.database is not None:
            self.conn = await aiosqlite.connect(self.database)
            await self.conn.execute("PRAGMA journal_mode=WAL")
            await self.conn.execute("PRAGMA synchronous=NORMAL")
            await self.conn.execute(
                "CREATE TABLE IF NOT EXISTS heard (id INTEGER PRIMARY KEY, chat_id INTEGER"
                " NOT NULL, user_id INTEGER, text TEXT NOT NULL, at INTEGER NOT NULL)"
            )
            await self.conn.commit()
        if self.buttons:
            for uid in self.uids:
                sent = await self.app.bot.send_message(
                    uid, QUESTION, parse_mode=ParseMode.HTML, reply_markup=_keyboard(0)
                )
                self.newest[uid] = sent.message_id

    async def stop(self) -> None:
        """Shut PTB down and close the database."""
        await self.app.shutdown()
        if self.conn is not None:
            await self.conn.close()

    def update(self, n: int) -> dict[str, Any]:
        """The n-th simulated update (users take turns): a text, or a press on the newest
        message's first button."""
        uid = self.uids[n % len(self.uids)]
        if self.buttons:
            return self.sim.user_presses(uid, self.newest[uid], f"ci:{n}:friends:0")
        return self.sim.user_sends(uid, f"今天过得还行，第{n}条")

    async def feed(self, n: int) -> None:
        """Send the n-th update through the Application and wait for the replies."""
        await self.app.process_update(Update.de_json(self.update(n), self.app.bot))

    async def stored(self) -> int:
        """How many updates the durable variants have committed."""
        if self.conn is None:
            return 0
        async with self.conn.execute("SELECT COUNT(*) FROM heard") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _store(self, chat_id: int, user_id: int | None, text: str, at: int) -> None:
        if self.conn is None:
            return
        await self.conn.execute(
            "INSERT INTO heard (chat_id, user_id, text, at) VALUES (?, ?, ?, ?)",
            (chat_id, user_id, text, at),
        )
        await self.conn.commit()

    @staticmethod
    async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.text:
            await message.reply_text(message.text)

    async def _durable(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        user = update.effective_user
        await self._store(
            message.chat_id, user.id if user else None, message.text, int(message.date.timestamp())
        )
        await message.reply_text(message.text)

    async def _press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, user = update.callback_query, update.effective_user
        if query is None or user is None or query.message is None or query.data is None:
            return
        chat_id, pressed = query.message.chat.id, query.message.message_id
        await self._store(chat_id, user.id, query.data, int(query.message.date.timestamp()))
        await query.answer()
        if self.in_place:
            await context.bot.edit_message_text(
                f"✓ {query.data}\n\n{QUESTION}",
                chat_id=chat_id,
                message_id=pressed,
                parse_mode=ParseMode.HTML,
                reply_markup=_keyboard(pressed),
            )
            return
        chosen = InlineKeyboardMarkup([[InlineKeyboardButton("✓ 挺好", callback_data=query.data)]])
        await context.bot.edit_message_reply_markup(chat_id, pressed, reply_markup=chosen)
        sent = await context.bot.send_message(
            chat_id, QUESTION, parse_mode=ParseMode.HTML, reply_markup=_keyboard(pressed)
        )
        self.newest[user.id] = sent.message_id
