-- Parents in the city: a parent role, the families they belong to, their weekly call, what a
-- child chooses to share, and a volunteer's "please call your child" request.
-- Times are Unix seconds (UTC). Personal data columns are marked "personal".
-- `people` and `invites` are rebuilt to let their role column say 'parent' (SQLite cannot
-- change a CHECK in place; the migration runner turns foreign keys off around a migration
-- and checks them before it commits).

CREATE TABLE people_new (
    id                INTEGER PRIMARY KEY,
    pseudonym         TEXT NOT NULL UNIQUE,
    role              TEXT NOT NULL CHECK (role IN ('admin', 'volunteer', 'caregiver', 'child', 'parent')),
    telegram_user_id  INTEGER UNIQUE,
    chat_id           INTEGER,
    display_name      TEXT,
    lang              TEXT NOT NULL DEFAULT 'zh',
    family_id         INTEGER REFERENCES families(id) ON DELETE CASCADE,  -- NULL for a parent: see parent_families
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'declined')),
    paused            INTEGER NOT NULL DEFAULT 0,
    unreachable_at    INTEGER,
    created_at        INTEGER NOT NULL
);
INSERT INTO people_new SELECT id, pseudonym, role, telegram_user_id, chat_id, display_name, lang,
    family_id, status, paused, unreachable_at, created_at FROM people;
DROP TABLE people;
ALTER TABLE people_new RENAME TO people;
CREATE INDEX people_family ON people(family_id);
CREATE INDEX people_chat ON people(chat_id);

CREATE TABLE invites_new (
    token_hash  TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('volunteer', 'caregiver', 'child', 'parent')),
    person_id   INTEGER REFERENCES people(id) ON DELETE CASCADE,
    family_id   INTEGER REFERENCES families(id) ON DELETE CASCADE,
    created_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
INSERT INTO invites_new SELECT token_hash, role, person_id, family_id, created_by, created_at,
    expires_at, used_at FROM invites;
DROP TABLE invites;
ALTER TABLE invites_new RENAME TO invites;

-- A parent's own settings: where they are (their own time zone, maybe another province or
-- abroad), their quiet hours, and the weekly call slot they chose (local weekday and minute).
CREATE TABLE parents (
    person_id      INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    timezone       TEXT NOT NULL,
    quiet_start    INTEGER NOT NULL,             -- minutes after local midnight
    quiet_end      INTEGER NOT NULL,
    call_weekday   INTEGER,                      -- 0 = Monday, in the parent's zone; NULL = not chosen yet
    call_minute    INTEGER,
    next_remind_at INTEGER,                      -- UTC; NULL = no reminder planned
    consent_at     INTEGER
);
CREATE INDEX parents_due ON parents(next_remind_at);

-- Which families a parent belongs to (two parents per family; a parent in two families when
-- siblings live with different carers). `relation`: 'mother', 'father' or 'parent'.
CREATE TABLE parent_families (
    parent_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    family_id   INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    relation    TEXT NOT NULL DEFAULT 'parent' CHECK (relation IN ('mother', 'father', 'parent')),
    joined_at   INTEGER NOT NULL,
    PRIMARY KEY (parent_id, family_id)
);
CREATE INDEX parent_families_family ON parent_families(family_id);

-- What a parent said about one week's call ("we talked" / "not this week"), per family.
CREATE TABLE parent_calls (
    parent_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    family_id  INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
    period     TEXT NOT NULL,                    -- ISO week in the family's zone, '2026-W03'
    talked     INTEGER NOT NULL,                 -- 1 we talked, 0 not this week
    at         INTEGER NOT NULL,
    PRIMARY KEY (parent_id, family_id, period)
);
CREATE INDEX parent_calls_family ON parent_calls(family_id, period);

-- A child's choice to share their weekly mood face with their parents (off by default).
CREATE TABLE mood_sharing (
    child_id    INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    enabled     INTEGER NOT NULL DEFAULT 0,
    changed_at  INTEGER NOT NULL
);

-- A claiming volunteer asked Qiao to send a parent the neutral "please call your child" note.
-- The message itself is an outbox row (dedupe key parentcall:<alert>:<parent>): its status is
-- the delivery status the volunteer sees.
CREATE TABLE parent_call_requests (
    alert_id    INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    parent_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    asked_by    INTEGER REFERENCES people(id) ON DELETE SET NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (alert_id, parent_id)
);
