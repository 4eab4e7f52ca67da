-- Foundation schema (PostgreSQL). Times are BIGINT unix milliseconds (UTC) in every table, on both backends.

CREATE TABLE stores (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                TEXT    NOT NULL,
    auth_type           TEXT    NOT NULL,
    store_url           TEXT    NOT NULL,
    store_hash          TEXT    NOT NULL,
    client_id           TEXT    NOT NULL,
    -- Secrets are sealed by wharf's SecretCipher; only the last four characters are kept readable, for masking.
    client_secret_sealed TEXT   NOT NULL,
    client_secret_last4  TEXT   NOT NULL,
    access_token_sealed  TEXT   NOT NULL,
    access_token_last4   TEXT   NOT NULL,
    connection_status   TEXT    NOT NULL DEFAULT 'unchecked',
    -- JSON array of the last Connect attempt's checks: [{"check": "...", "passed": bool, "message": "..."}]
    connection_checks   TEXT,
    last_checked_at     BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE UNIQUE INDEX stores_name_unique ON stores (lower(name));

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    -- SHA-256 of the cookie value: a stolen database does not yield live sessions.
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    dedupe_key   TEXT,
    store_id     BIGINT REFERENCES stores (id) ON DELETE CASCADE,
    status       TEXT    NOT NULL DEFAULT 'pending',  -- pending | running | done | failed | superseded
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    run_at       BIGINT NOT NULL,
    locked_by    TEXT,
    locked_until BIGINT,
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
-- "Dedupe among pending jobs": a second enqueue with the same key collapses into the waiting job.
CREATE UNIQUE INDEX jobs_pending_dedupe ON jobs (dedupe_key) WHERE status = 'pending';
CREATE INDEX jobs_due ON jobs (status, run_at);
