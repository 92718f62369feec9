-- The (status, sent_at) index serves the live exchange only: pending sends, the sweep's
-- reminders, closing and tidy-up, and their due moments, all of which read check-ins that are
-- not archived (each query says `answers IS NULL`). Archived check-ins (storage/archive.py,
-- eight weeks and older, most of a year's rows) are no longer entries of it.
DROP INDEX checkin_sessions_status;
CREATE INDEX checkin_sessions_status ON checkin_sessions(status, sent_at) WHERE answers IS NULL;
