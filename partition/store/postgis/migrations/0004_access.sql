-- The review chain, access tokens and the audit log.
--
-- A draft's state is its place in the chain; draft_transitions records
-- each step. tokens keeps each token's secret only as its SHA-256 hash.
-- audit is append-only: triggers refuse UPDATE, DELETE and TRUNCATE of it
-- (and of audit_codes, its index by unit code), so nothing the service
-- runs can change the record.

ALTER TABLE drafts ADD COLUMN state text NOT NULL DEFAULT 'draft'
    CHECK (state IN ('draft', 'submitted', 'reviewed', 'filed'));
UPDATE drafts SET state = 'filed' WHERE published IS NOT NULL;
CREATE INDEX drafts_state ON drafts (state);

CREATE TABLE draft_transitions (
    draft          text COLLATE "C" NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    seq            integer NOT NULL CHECK (seq >= 0),
    at             timestamptz NOT NULL,
    actor          text NOT NULL,
    role           text NOT NULL,
    from_state     text NOT NULL,
    to_state       text NOT NULL,
    comment        text NOT NULL DEFAULT '',
    justifications text NOT NULL DEFAULT '', -- JSON object code → text, '' when none
    revision       bigint NOT NULL,
    PRIMARY KEY (draft, seq)
);

CREATE TABLE tokens (
    name       text COLLATE "C" PRIMARY KEY,
    hash       bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    role       text NOT NULL,
    scope      text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE TABLE audit (
    seq      bigint PRIMARY KEY CHECK (seq > 0),
    at       timestamptz NOT NULL,
    actor    text NOT NULL,
    role     text NOT NULL,
    action   text NOT NULL,
    draft    text COLLATE "C", -- NULL: none
    version  bigint,           -- NULL: none
    revision bigint,           -- the draft's, after the write
    codes    text NOT NULL,    -- the codes touched, space-separated, for reading
    detail   text NOT NULL DEFAULT ''
);

CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_draft ON audit (draft, revision);

CREATE TABLE audit_codes (
    entry bigint NOT NULL REFERENCES audit (seq),
    code  text COLLATE "C" NOT NULL,
    PRIMARY KEY (code, entry)
);

CREATE FUNCTION wangge_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME;
END
$$;

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION wangge_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION wangge_audit_append_only();
CREATE TRIGGER audit_codes_append_only BEFORE UPDATE OR DELETE ON audit_codes
    FOR EACH ROW EXECUTE FUNCTION wangge_audit_append_only();
CREATE TRIGGER audit_codes_no_truncate BEFORE TRUNCATE ON audit_codes
    FOR EACH STATEMENT EXECUTE FUNCTION wangge_audit_append_only();
