-- Core tables: people, families, invitations, consent, conversation state, outbox, audit.
-- Times are Unix seconds (UTC). Personal data columns are marked "personal".

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE families (
    id            INTEGER PRIMARY KEY,
    pseudonym     TEXT NOT NULL UNIQUE,          -- F-7Q2K: what group chats see
    label         TEXT NOT NULL,                 -- village or school, typed by the volunteer
    volunteer_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    timezone      TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE people (
    id                INTEGER PRIMARY KEY,
    pseudonym         TEXT NOT NULL UNIQUE,      -- C-3F9A, G-…, V-…: what group chats see
    role              TEXT NOT NULL CHECK (role IN ('admin', 'volunteer', 'caregiver', 'child')),
    telegram_user_id  INTEGER UNIQUE,            -- personal; NULL until the link is used, and for a child on a shared phone
    chat_id           INTEGER,                   -- private chat the person is reached in (a shared-phone child: the caregiver's)
    display_name      TEXT,                      -- personal: chosen form of address or nickname
    lang              TEXT NOT NULL DEFAULT 'zh',
    family_id         INTEGER REFERENCES families(id) ON DELETE CASCADE,
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'declined')),
    paused            INTEGER NOT NULL DEFAULT 0,
    unreachable_at    INTEGER,
    created_at        INTEGER NOT NULL
);
CREATE INDEX people_family ON people(family_id);
CREATE INDEX people_chat ON people(chat_id);

CREATE TABLE children (
    person_id           INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    family_id           INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    caregiver_id        INTEGER REFERENCES people(id) ON DELETE SET NULL,
    age_band            TEXT,                    -- '10-12' or '13-16'
    shared_phone        INTEGER NOT NULL DEFAULT 0,
    guardian_consent_at INTEGER,
    checkin_weekday     INTEGER NOT NULL,        -- 0 = Monday, in the family's time zone
    checkin_minute      INTEGER NOT NULL,        -- minutes after local midnight
    next_due_at         INTEGER                  -- UTC; NULL = not scheduled
);
CREATE INDEX children_due ON children(next_due_at);
CREATE INDEX children_family ON children(family_id);

CREATE TABLE invites (
    token_hash  TEXT PRIMARY KEY,                -- sha256 of the one-time token; the token itself is never stored
    role        TEXT NOT NULL CHECK (role IN ('volunteer', 'caregiver', 'child')),
    person_id   INTEGER REFERENCES people(id) ON DELETE CASCADE,
    family_id   INTEGER REFERENCES families(id) ON DELETE CASCADE,
    created_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

CREATE TABLE consents (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER REFERENCES people(id) ON DELETE CASCADE,   -- who decided
    subject_id    INTEGER REFERENCES people(id) ON DELETE CASCADE,   -- whom it covers
    kind          TEXT NOT NULL CHECK (kind IN ('caregiver', 'guardian', 'child')),
    text_version  INTEGER NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('agree', 'decline')),
    at            INTEGER NOT NULL
);
CREATE INDEX consents_subject ON consents(subject_id);

-- What a private chat is in the middle of (which lesson step, which check-in question,
-- whether free text is awaited). Keyed by chat: on a shared phone the chat is the
-- caregiver's while the person answering is the child.
CREATE TABLE conversation_state (
    chat_id     INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    state       TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    updated_at  INTEGER NOT NULL
);

-- Everything that must reach Telegram even through failures and restarts.
CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY,
    dedupe_key        TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL,
    target            TEXT NOT NULL,             -- 'volunteers' or 'chat:<id>'
    payload           TEXT NOT NULL,             -- JSON, already free of anything the target may not see
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER NOT NULL,
    last_error        TEXT,
    created_at        INTEGER NOT NULL,
    sent_at           INTEGER,
    sent_chat_id      INTEGER,
    sent_message_id   INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

-- Who did what, without personal data: pseudonyms, actions, counts.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    actor    TEXT,
    action   TEXT NOT NULL,
    subject  TEXT,
    detail   TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_action ON audit_log(action, at);
