-- Lessons for grandparents: where each caregiver is in each lesson, when they last opened one,
-- the nudges they were sent, and their requests for a volunteer. Times are Unix seconds (UTC).

-- One row per caregiver and lesson. At most one row per person is unfinished (stage != 'done'):
-- that is where /next resumes. A finished row keeps the answer to its follow-up question,
-- which is asked at the start of a later lesson.
CREATE TABLE lesson_progress (
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    lesson_id       TEXT NOT NULL,
    version         INTEGER NOT NULL,            -- the lesson's content version when it was taken
    stage           TEXT NOT NULL
                    CHECK (stage IN ('follow_up', 'step', 'question', 'practice', 'done')),
    step            INTEGER NOT NULL DEFAULT 0,  -- 0-based step shown while stage = 'step'
    follow_up_of    TEXT,                        -- stage 'follow_up': the finished lesson asked about
    answer          TEXT,                        -- option id chosen for the lesson's question
    follow_up       TEXT CHECK (follow_up IN ('tried', 'some', 'not_yet')),  -- this lesson's practice, asked later
    started_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    followed_up_at  INTEGER,
    PRIMARY KEY (person_id, lesson_id)
);
CREATE UNIQUE INDEX lesson_progress_open ON lesson_progress(person_id) WHERE stage != 'done';
CREATE INDEX lesson_progress_finished ON lesson_progress(person_id, finished_at);

-- When a caregiver last opened a lesson (any /lessons, /next or lesson button): nudges key on it.
CREATE TABLE lesson_activity (
    person_id  INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    opened_at  INTEGER NOT NULL
);

-- Every reminder sent (or tried), so a restart never repeats one and the weekly cap holds.
CREATE TABLE lesson_nudges (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    status     TEXT NOT NULL DEFAULT 'sending'
               CHECK (status IN ('sending', 'sent', 'forbidden', 'failed'))
);
CREATE INDEX lesson_nudges_person ON lesson_nudges(person_id, at);

-- "Ask a volunteer" presses; each raises one help_request alert (source help:<id>).
CREATE TABLE help_requests (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    lesson_id   TEXT,                            -- the lesson open at the time, if any
    alert_id    INTEGER,                         -- alerts.id (that table comes in a later migration)
    created_at  INTEGER NOT NULL
);
CREATE INDEX help_requests_person ON help_requests(person_id, created_at);
