-- Faults on the safety path (issue 11, part C).

-- A crisis message is queued in the transaction of the answer or message that needs it and
-- held for the handler that sends it at once: `holder` names the running bot (a token made
-- at start) and `next_attempt_at` the end of the hold. The outbox drain sends it only once the
-- hold has passed; a restarted bot takes over a dead process's hold at once.
ALTER TABLE outbox ADD COLUMN holder TEXT;

-- A check-in whose next question (or closing) may not have reached the child: a failed edit
-- or send after an answer, or a first message whose send timed out. The sweep sends the
-- current question again from this moment on; an answer clears it.
ALTER TABLE checkin_sessions ADD COLUMN resend_at INTEGER;
CREATE INDEX checkin_sessions_resend ON checkin_sessions(resend_at) WHERE resend_at IS NOT NULL;

-- The Telegram message a child's free message came in, so the same update handled twice
-- (after a crash) stores one message, raises one alert and sends one crisis reply.
ALTER TABLE child_messages ADD COLUMN chat_message_id INTEGER;
CREATE UNIQUE INDEX child_messages_chat_message ON child_messages(child_id, chat_message_id)
    WHERE chat_message_id IS NOT NULL;
