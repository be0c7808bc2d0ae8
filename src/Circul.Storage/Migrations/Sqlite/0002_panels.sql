-- Panels: the panel document is grain state (grain_state, grain type PanelGrain); members, bans and invites are rows.

CREATE TABLE panel_members (
    panel_id  TEXT    NOT NULL,
    user_id   TEXT    NOT NULL,
    role_ids  TEXT    NOT NULL DEFAULT '[]',
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (panel_id, user_id)
);
CREATE INDEX ix_panel_members_user_id ON panel_members (user_id);

CREATE TABLE panel_bans (
    panel_id   TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    banned_by  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (panel_id, user_id)
);

CREATE TABLE panel_invites (
    code       TEXT    NOT NULL PRIMARY KEY,
    panel_id   TEXT    NOT NULL,
    creator_id TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NULL,
    max_uses   INTEGER NOT NULL,
    uses       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_panel_invites_panel_id ON panel_invites (panel_id);
