-- Voice ("read it to me") and follow-through after a lesson. Times are Unix seconds (UTC).

-- A caregiver's choice at onboarding or with /voice: 1 = lesson steps come as voice notes.
-- No row = not asked yet (onboarding asks once); erased with the person.
CREATE TABLE voice_mode (
    person_id   INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    changed_at  INTEGER NOT NULL
);

-- Telegram's file_id for each recording uploaded once, keyed by the file's path in the content
-- folder and the SHA-256 of its bytes: a re-recorded file is uploaded again, never mixed up.
-- Holds no personal data (the recordings are the NGO's lesson texts).
CREATE TABLE voice_files (
    path         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    file_id      TEXT NOT NULL,
    uploaded_at  INTEGER NOT NULL,
    PRIMARY KEY (path, sha256)
);

-- When a caregiver plans to try a finished lesson's practice task, and how it went.
-- A periodic job asks rows whose due_at has come (outside quiet hours, in the family's
-- time zone): planned → asking (claimed before sending) → asked → answered. A question
-- Telegram refused for good is 'failed'; one that could not be asked within days is 'expired'.
CREATE TABLE practice_plans (
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    lesson_id    TEXT NOT NULL,
    plan         TEXT NOT NULL CHECK (plan IN ('today', 'tomorrow', 'weekend')),
    planned_at   INTEGER NOT NULL,
    due_at       INTEGER NOT NULL,                -- UTC; when Qiao asks how it went
    status       TEXT NOT NULL DEFAULT 'planned'
                 CHECK (status IN ('planned', 'asking', 'asked', 'answered', 'failed', 'expired')),
    asked_at     INTEGER,
    answer       TEXT CHECK (answer IN ('went_well', 'hard', 'not_tried')),
    answered_at  INTEGER,
    PRIMARY KEY (person_id, lesson_id)
);
CREATE INDEX practice_plans_due ON practice_plans(status, due_at);
