-- The review chain, access tokens and the audit log: the store's own
-- working state, not registered in gpkg_contents (as drafts are not).
--
-- A draft's state is its place in the chain; draft_transitions records
-- each step. tokens keeps each token's secret only as its SHA-256 hash.
-- audit is append-only: triggers refuse UPDATE and DELETE of it (and of
-- audit_codes, its index by unit code). Times are text as in versions.

ALTER TABLE drafts ADD COLUMN state TEXT NOT NULL DEFAULT 'draft'
    CHECK (state IN ('draft', 'submitted', 'reviewed', 'filed'));
UPDATE drafts SET state = 'filed' WHERE published IS NOT NULL;
CREATE INDEX drafts_state ON drafts (state);

CREATE TABLE draft_transitions (
    draft          TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL CHECK (seq >= 0),
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    role           TEXT NOT NULL,
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    justifications TEXT NOT NULL DEFAULT '', -- JSON object code → text, '' when none
    revision       INTEGER NOT NULL,
    PRIMARY KEY (draft, seq)
);

CREATE TABLE tokens (
    name       TEXT PRIMARY KEY NOT NULL,
    hash       BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    role       TEXT NOT NULL,
    scope      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE audit (
    seq      INTEGER PRIMARY KEY NOT NULL CHECK (seq > 0),
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    role     TEXT NOT NULL,
    action   TEXT NOT NULL,
    draft    TEXT,    -- NULL: none
    version  INTEGER, -- NULL: none
    revision INTEGER, -- the draft's, after the write
    codes    TEXT NOT NULL, -- the codes touched, space-separated, for reading
    detail   TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_draft ON audit (draft, revision);

CREATE TABLE audit_codes (
    entry INTEGER NOT NULL REFERENCES audit (seq),
    code  TEXT NOT NULL,
    PRIMARY KEY (code, entry)
);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE is refused'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE is refused'); END;
CREATE TRIGGER audit_codes_no_update BEFORE UPDATE ON audit_codes
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE is refused'); END;
CREATE TRIGGER audit_codes_no_delete BEFORE DELETE ON audit_codes
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE is refused'); END;
