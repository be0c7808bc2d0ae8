-- Consumer API keys and webhook bots (API section 11).

-- API keys (ck_…): only the SHA-256 of the key is stored; the key is shown once.
CREATE TABLE api_keys (
    id         text COLLATE "C" NOT NULL PRIMARY KEY,
    owner_id   text COLLATE "C" NOT NULL,
    name       text             NOT NULL,
    hash       text COLLATE "C" NOT NULL,
    created_at timestamptz      NOT NULL
);
CREATE UNIQUE INDEX ux_api_keys_hash ON api_keys (hash);
CREATE INDEX ix_api_keys_owner_id ON api_keys (owner_id);

-- A webhook bot's configuration (the bot itself is a row of users). The signing secret (cs_…) is stored as it is:
-- the server must have it to sign every delivery (as Slack and Discord keep theirs retrievable).
CREATE TABLE webhook_bots (
    bot_id         text COLLATE "C" NOT NULL PRIMARY KEY,
    owner_id       text COLLATE "C" NOT NULL,
    trigger_on     text             NOT NULL,
    visibility     text             NOT NULL,
    all_rooms      boolean          NOT NULL,
    history_limit  integer          NOT NULL,
    webhook_url    text             NOT NULL,
    metadata       text             NULL,
    enabled        boolean          NOT NULL,
    signing_secret text             NOT NULL,
    created_at     timestamptz      NOT NULL
);
CREATE INDEX ix_webhook_bots_owner_id ON webhook_bots (owner_id);

-- Rooms a bot is allowed in when all_rooms is false.
CREATE TABLE webhook_bot_rooms (
    bot_id   text COLLATE "C" NOT NULL,
    room_id  text COLLATE "C" NOT NULL,
    added_at timestamptz      NOT NULL,
    PRIMARY KEY (bot_id, room_id)
);
CREATE INDEX ix_webhook_bot_rooms_room_id ON webhook_bot_rooms (room_id);

-- The durable outbox: one row per (trigger, bot), inserted in the same transaction as the message that fired it.
-- payload is built at the first attempt (and then sent unchanged on retries); lease_owner/lease_until let one silo
-- at a time attempt a row (a claim is one conditional UPDATE, so two silos never hold the same row).
CREATE TABLE webhook_deliveries (
    id               text COLLATE "C" NOT NULL PRIMARY KEY,
    bot_id           text COLLATE "C" NOT NULL,
    event            text             NOT NULL,
    room_kind        text             NOT NULL,
    room_id          text COLLATE "C" NOT NULL,
    panel_id         text COLLATE "C" NULL,
    message_id       text COLLATE "C" NOT NULL,
    triggered_by     text COLLATE "C" NOT NULL,
    status           text             NOT NULL,
    attempts         integer          NOT NULL,
    next_attempt_at  timestamptz      NOT NULL,
    created_at       timestamptz      NOT NULL,
    completed_at     timestamptz      NULL,
    payload          text             NULL,
    last_status_code integer          NULL,
    last_error       text             NULL,
    latency_ms       integer          NULL,
    reply_message_id text COLLATE "C" NULL,
    lease_owner      text             NULL,
    lease_until      timestamptz      NULL
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_bot_id ON webhook_deliveries (bot_id, id);
