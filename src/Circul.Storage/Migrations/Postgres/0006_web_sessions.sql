-- The web pages' browser sessions and the OAuth consent form's single-use state tokens. Only SHA-256 hashes of the
-- random values are stored; any silo sharing the database validates them, and a state is consumed by one UPDATE
-- (consumed_at IS NULL AND expires_at > now), so it is single-use across silos.
CREATE TABLE web_sessions (
    hash       text COLLATE "C" NOT NULL PRIMARY KEY,
    user_id    text COLLATE "C" NOT NULL,
    created_at timestamptz      NOT NULL,
    expires_at timestamptz      NOT NULL
);
CREATE INDEX ix_web_sessions_user_id ON web_sessions (user_id);
CREATE INDEX ix_web_sessions_expires_at ON web_sessions (expires_at);

CREATE TABLE oauth_states (
    hash         text COLLATE "C" NOT NULL PRIMARY KEY,
    session_hash text COLLATE "C" NOT NULL,
    user_id      text COLLATE "C" NOT NULL,
    bot_id       text COLLATE "C" NOT NULL,
    redirect_uri text             NOT NULL,
    client_state text             NULL,
    created_at   timestamptz      NOT NULL,
    expires_at   timestamptz      NOT NULL,
    consumed_at  timestamptz      NULL
);
CREATE INDEX ix_oauth_states_expires_at ON oauth_states (expires_at);
