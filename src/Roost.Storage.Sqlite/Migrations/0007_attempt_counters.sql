-- Fixed-window attempt counters (log-in lockout, password checks, second factors), so a restart does not reset them.
-- One row per key while its window lasts; rows whose window ended are deleted by a periodic prune (by window_end).
CREATE TABLE attempt_counters (
    key        TEXT    NOT NULL PRIMARY KEY, -- e.g. 'account:alice', 'second-factor:42'; never a secret
    count      INTEGER NOT NULL,             -- attempts taken in the current window
    window_end INTEGER NOT NULL              -- unix ms: the window ends here; the next attempt opens a new one
) WITHOUT ROWID;

CREATE INDEX attempt_counters_by_end ON attempt_counters (window_end);
