-- Which silo holds a user's gateway connections, so that when a silo dies a live one can tell its users (those with
-- no connection left anywhere) go offline. One row per (user, silo incarnation) with at least one connection; the
-- user grain writes it on its first connection there and deletes it on its last.
CREATE TABLE presence_connections (
    user_id     TEXT    NOT NULL,
    silo        TEXT    NOT NULL,
    connections INTEGER NOT NULL,
    PRIMARY KEY (user_id, silo)
);
CREATE INDEX presence_connections_silo ON presence_connections (silo);
