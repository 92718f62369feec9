-- Periodic work reads only what it may act on, so it never holds the one connection long.

-- Retention: the texts still to blank, oldest first (the index holds only texts not yet blanked,
-- a few months of them, instead of the daily job scanning every answer and message ever).
CREATE INDEX checkin_answers_texts ON checkin_answers(answered_at) WHERE text IS NOT NULL;
CREATE INDEX child_messages_texts ON child_messages(at) WHERE text IS NOT NULL;

-- Retention: exchange message ids past Telegram's deletion window, oldest first.
CREATE INDEX checkin_messages_at ON checkin_messages(at);

-- The 5-minute sweep: finished sessions not yet asked to be tidied, by when they finished, so
-- it reads the last few days instead of every finished session ever.
CREATE INDEX checkin_sessions_untidied ON checkin_sessions(closed_at)
    WHERE tidy_at IS NULL AND status IN ('done', 'closed');
