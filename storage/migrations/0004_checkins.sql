-- Weekly check-ins: sessions, answers, the messages of each exchange, children's free messages.
-- Times are Unix seconds (UTC). Personal data columns are marked "personal".

-- One check-in of one child for one period (ISO week in the family's zone).
-- status: pending (row written, first message not yet confirmed sent) → sent → answering
--         → done (every question answered or skipped) | closed (timed out, answers kept);
--         missed = never delivered (fell due too long ago, or the child blocked the bot).
CREATE TABLE checkin_sessions (
    id                INTEGER PRIMARY KEY,
    child_id          INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    period            TEXT NOT NULL,                 -- '2026-W03'
    set_id            TEXT NOT NULL,                 -- content/checkins/<id>.yaml: weekly, followup
    set_version       INTEGER NOT NULL,
    origin            TEXT NOT NULL CHECK (origin IN ('schedule', 'early')),
    status            TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'sent', 'answering', 'done', 'closed', 'missed')),
    due_at            INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    sent_at           INTEGER,
    chat_id           INTEGER,                       -- where it was sent (a shared phone: the caregiver's chat)
    message_id        INTEGER,                       -- the first message (question or hand-over)
    current_question  TEXT,                          -- the question being asked; NULL when finished
    question_message  INTEGER,                       -- the message that asks it
    last_activity_at  INTEGER,
    reminder_at       INTEGER,
    closed_at         INTEGER,
    tidy_at           INTEGER,                       -- when the exchange was asked to be deleted
    level             INTEGER NOT NULL DEFAULT 0,    -- highest bot.levels.RiskLevel of its answers
    reasons           TEXT NOT NULL DEFAULT '[]',    -- JSON reasons (categories and codes, no words)
    UNIQUE (child_id, period)                        -- one check-in per child and week, whatever the set
);
CREATE INDEX checkin_sessions_status ON checkin_sessions(status, sent_at);
CREATE INDEX checkin_sessions_tidy ON checkin_sessions(tidy_at);

-- Each answer as it was given, so a half-finished check-in still counts. WITHOUT ROWID: the
-- key is the only b-tree, so storing an answer writes one page of it, not a table page and an
-- index page (an answer's commit is the hot path of every check-in).
CREATE TABLE checkin_answers (
    session_id   INTEGER NOT NULL REFERENCES checkin_sessions(id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,         -- the question's place in its set (0 = first)
    option_id    TEXT,                               -- NULL for free text and skips
    mood         INTEGER,                            -- 1..5 for mood questions
    text         TEXT,                               -- personal: the child's own words; cleared after retention
    skipped      INTEGER NOT NULL DEFAULT 0,
    level        INTEGER NOT NULL DEFAULT 0,
    reasons      TEXT NOT NULL DEFAULT '[]',
    answered_at  INTEGER NOT NULL,
    PRIMARY KEY (session_id, question_id)
) WITHOUT ROWID;

-- Every message of a check-in exchange (the bot's and the child's typed replies), so the
-- exchange can be deleted from a shared phone (or on "tidy up") within Telegram's 48 hours.
CREATE TABLE checkin_messages (
    chat_id      INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    session_id   INTEGER NOT NULL REFERENCES checkin_sessions(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('handover', 'bot', 'child')),
    at           INTEGER NOT NULL,
    deleted_at   INTEGER,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX checkin_messages_session ON checkin_messages(session_id);

-- What children write outside a check-in question: assessed and kept for the volunteer desk.
CREATE TABLE child_messages (
    id         INTEGER PRIMARY KEY,
    child_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    text       TEXT,                                 -- personal: at most 4096 characters; cleared after retention
    length     INTEGER NOT NULL,                     -- characters in the original message
    level      INTEGER NOT NULL DEFAULT 0,
    reasons    TEXT NOT NULL DEFAULT '[]',
    at         INTEGER NOT NULL
);
CREATE INDEX child_messages_child ON child_messages(child_id, at);
