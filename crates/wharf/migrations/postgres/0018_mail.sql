-- E-mail: the merchant's branding, the outbox, where operators' mail goes, and each vendor's
-- choice between a mail per purchase order and an hourly digest.

-- One row (id 1), absent until someone sets the branding: the defaults are in the code.
-- The logo is kept as base64 text (the schema sticks to TEXT and BIGINT on both backends);
-- it is at most 256 KB.
CREATE TABLE branding (
    id                BIGINT PRIMARY KEY CHECK (id = 1),
    name              TEXT,
    accent            TEXT,
    support_email     TEXT,
    logo_base64       TEXT,
    logo_content_type TEXT,
    updated_at        BIGINT NOT NULL
);

-- One row (id 1): the one address operators' digests go to, and when the last digest read up to.
CREATE TABLE mail_settings (
    id                 BIGINT PRIMARY KEY CHECK (id = 1),
    operator_email     TEXT,
    operator_digest_at BIGINT NOT NULL DEFAULT 0,
    updated_at         BIGINT NOT NULL
);
INSERT INTO mail_settings (id, operator_email, operator_digest_at, updated_at) VALUES (1, NULL, 0, 0);

-- The outbox: every e-mail wharf sends, recorded in the transaction of the event that causes it.
-- Bodies are sealed (they may carry single-use links). dedupe_key makes one event one mail.
CREATE TABLE mails (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT    NOT NULL,
    dedupe_key  TEXT    NOT NULL UNIQUE,
    recipient   TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    text_sealed TEXT    NOT NULL,
    html_sealed TEXT    NOT NULL,
    message_id  TEXT    NOT NULL UNIQUE,
    -- pending: not tried | sending: an SMTP transaction may have begun, never send again by
    -- itself | sent | uncertain: found sending after a crash, a person decides | failed:
    -- refused or given up | off: recorded while e-mail was off, never sent
    state       TEXT    NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    sent_at     BIGINT
);
CREATE INDEX mails_by_created ON mails (created_at);

ALTER TABLE vendors ADD COLUMN mail_schedule TEXT NOT NULL DEFAULT 'immediate';
ALTER TABLE vendors ADD COLUMN mail_digest_at BIGINT NOT NULL DEFAULT 0;

-- New purchase orders waiting for a vendor's hourly digest.
CREATE TABLE vendor_digest_items (
    purchase_order_id BIGINT PRIMARY KEY REFERENCES purchase_orders (id) ON DELETE CASCADE,
    vendor_id         BIGINT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    created_at        BIGINT NOT NULL
);
CREATE INDEX vendor_digest_items_by_vendor ON vendor_digest_items (vendor_id);
