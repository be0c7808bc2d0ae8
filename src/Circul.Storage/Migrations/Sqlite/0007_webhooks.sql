-- Consumer API keys and webhook bots (API section 11). Timestamps are INTEGER milliseconds since the Unix epoch.

-- API keys (ck_…): only the SHA-256 of the key is stored; the key is shown once.
CREATE TABLE api_keys (
    id         TEXT    NOT NULL PRIMARY KEY,
    owner_id   TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_api_keys_hash ON api_keys (hash);
CREATE INDEX ix_api_keys_owner_id ON api_keys (owner_id);

-- A webhook bot's configuration (the bot itself is a row of users). The signing secret (cs_…) is stored as it is:
-- the server must have it to sign every delivery (as Slack and Discord keep theirs retrievable).
CREATE TABLE webhook_bots (
    bot_id         TEXT    NOT NULL PRIMARY KEY,
    owner_id       TEXT    NOT NULL,
    trigger_on     TEXT    NOT NULL,
    visibility     TEXT    NOT NULL,
    all_rooms      INTEGER NOT NULL,
    history_limit  INTEGER NOT NULL,
    webhook_url    TEXT    NOT NULL,
    metadata       TEXT    NULL,
    enabled        INTEGER NOT NULL,
    signing_secret TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX ix_webhook_bots_owner_id ON webhook_bots (owner_id);

-- Rooms a bot is allowed in when all_rooms is false.
CREATE TABLE webhook_bot_rooms (
    bot_id   TEXT    NOT NULL,
    room_id  TEXT    NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (bot_id, room_id)
);
CREATE INDEX ix_webhook_bot_rooms_room_id ON webhook_bot_rooms (room_id);

-- The durable outbox: one row per (trigger, bot), inserted in the same transaction as the message that fired it.
-- payload is built at the first attempt (and then sent unchanged on retries); lease_owner/lease_until let one silo
-- at a time attempt a row.
CREATE TABLE webhook_deliveries (
    id               TEXT    NOT NULL PRIMARY KEY,
    bot_id           TEXT    NOT NULL,
    event            TEXT    NOT NULL,
    room_kind        TEXT    NOT NULL,
    room_id          TEXT    NOT NULL,
    panel_id         TEXT    NULL,
    message_id       TEXT    NOT NULL,
    triggered_by     TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    completed_at     INTEGER NULL,
    payload          TEXT    NULL,
    last_status_code INTEGER NULL,
    last_error       TEXT    NULL,
    latency_ms       INTEGER NULL,
    reply_message_id TEXT    NULL,
    lease_owner      TEXT    NULL,
    lease_until      INTEGER NULL
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_bot_id ON webhook_deliveries (bot_id, id);
