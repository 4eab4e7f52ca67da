-- Vendor users: the people of a vendor who sign in to the vendor portal under /vendor/.

CREATE TABLE vendor_users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id     BIGINT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    -- argon2; NULL until the user follows their invitation and sets one.
    password_hash TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
-- One account per address across every vendor: sign-in is by e-mail alone.
CREATE UNIQUE INDEX vendor_users_email_unique ON vendor_users (lower(email));
CREATE INDEX vendor_users_by_vendor ON vendor_users (vendor_id);

-- Kept apart from the operators' `sessions`, so neither kind of session can stand for the other.
CREATE TABLE vendor_sessions (
    -- SHA-256 of the cookie value: a stolen database does not yield live sessions.
    token_hash     TEXT    PRIMARY KEY,
    vendor_user_id BIGINT NOT NULL REFERENCES vendor_users (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL
);
CREATE INDEX vendor_sessions_by_user ON vendor_sessions (vendor_user_id);

-- Single-use links that set a password: an invitation (72 h) or a password reset (1 h).
CREATE TABLE vendor_user_links (
    -- SHA-256 of the token in the link; the token itself is only ever in the link.
    token_hash     TEXT    PRIMARY KEY,
    vendor_user_id BIGINT NOT NULL REFERENCES vendor_users (id) ON DELETE CASCADE,
    purpose        TEXT    NOT NULL,  -- invitation | reset
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT
);
CREATE INDEX vendor_user_links_by_user ON vendor_user_links (vendor_user_id);
