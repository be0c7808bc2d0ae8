-- Circul schema, SQLite. Timestamps are INTEGER milliseconds since the Unix epoch (UTC); booleans are 0/1;
-- lists are JSON text. Ids compare with the default BINARY collation, i.e. ordinally.

CREATE TABLE users (
    id             TEXT    NOT NULL PRIMARY KEY,
    username       TEXT    NULL,
    username_lower TEXT    NULL,
    password_hash  TEXT    NULL,
    is_bot         INTEGER NOT NULL,
    owner_id       TEXT    NULL,
    name           TEXT    NOT NULL,
    bio            TEXT    NOT NULL,
    mood           TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    rest_presence  INTEGER NOT NULL,
    avatar_url     TEXT    NOT NULL,
    banner_url     TEXT    NOT NULL,
    description    TEXT    NOT NULL,
    redirect_uris  TEXT    NOT NULL DEFAULT '[]',
    created_at     INTEGER NOT NULL,
    deleted        INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_users_username_lower ON users (username_lower);
CREATE INDEX ix_users_owner_id ON users (owner_id);

CREATE TABLE tokens (
    hash       TEXT    NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX ix_tokens_user_id ON tokens (user_id);

CREATE TABLE conversations (
    id         TEXT    NOT NULL PRIMARY KEY,
    kind       TEXT    NOT NULL,
    name       TEXT    NULL,
    owner_id   TEXT    NULL,
    dm_key     TEXT    NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_conversations_dm_key ON conversations (dm_key);

-- Insertion order (ties of joined_at) is the implicit rowid.
CREATE TABLE conversation_members (
    conv_id   TEXT    NOT NULL,
    user_id   TEXT    NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (conv_id, user_id)
);
CREATE INDEX ix_conversation_members_user_id ON conversation_members (user_id);

CREATE TABLE messages (
    id          TEXT    NOT NULL PRIMARY KEY,
    room_id     TEXT    NOT NULL,
    panel_id    TEXT    NULL,
    sender_id   TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    bold        INTEGER NOT NULL,
    italic      INTEGER NOT NULL,
    mentions    TEXT    NOT NULL DEFAULT '[]',
    reply_to_id TEXT    NULL,
    is_system   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    edited_at   INTEGER NULL,
    deleted_at  INTEGER NULL,
    visible_to  TEXT    NULL
);
CREATE INDEX ix_messages_room_id_id ON messages (room_id, id);

-- Insertion order (ties of created_at) is the implicit rowid.
CREATE TABLE reactions (
    message_id TEXT    NOT NULL,
    emoji      TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
);

CREATE TABLE idempotency_keys (
    sender_id  TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    message_id TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (sender_id, key)
);

CREATE TABLE read_markers (
    room_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    message_id TEXT NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX ix_read_markers_user_id ON read_markers (user_id);

CREATE TABLE media (
    file_name  TEXT    NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL,
    mime       TEXT    NOT NULL,
    data       BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);

-- etag is a version number, incremented by every write and by a clear; a cleared row keeps its etag with
-- data NULL so that etags never repeat for a key.
CREATE TABLE grain_state (
    grain_type TEXT    NOT NULL,
    grain_key  TEXT    NOT NULL,
    etag       INTEGER NOT NULL,
    data       TEXT    NULL,
    PRIMARY KEY (grain_type, grain_key)
);

CREATE TABLE silos (
    silo_number  INTEGER NOT NULL PRIMARY KEY,
    address      TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
);
