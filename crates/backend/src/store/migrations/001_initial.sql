-- Flows as saved last, and every saved version of each.
CREATE TABLE flows (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);

CREATE TABLE flow_versions (
    flow_id        TEXT NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
    version        INTEGER NOT NULL,
    body           TEXT NOT NULL,
    saved_at       TEXT NOT NULL,
    saved_by       TEXT NOT NULL,
    step_count     INTEGER NOT NULL,
    trigger_count  INTEGER NOT NULL,
    PRIMARY KEY (flow_id, version)
);

-- Runs outlive their flow, so flow_id has no foreign key.
CREATE TABLE runs (
    id              TEXT PRIMARY KEY,
    flow_id         TEXT,
    flow_version    INTEGER,
    sync_id         TEXT,
    status          TEXT NOT NULL,
    trigger_reason  TEXT NOT NULL,
    triggered_by    TEXT NOT NULL,
    retry_of        TEXT,
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    step_count      INTEGER NOT NULL,
    steps_failed    INTEGER NOT NULL DEFAULT 0,
    processed       INTEGER NOT NULL DEFAULT 0,
    inserted        INTEGER NOT NULL DEFAULT 0,
    updated         INTEGER NOT NULL DEFAULT 0,
    deleted         INTEGER NOT NULL DEFAULT 0,
    failed          INTEGER NOT NULL DEFAULT 0,
    -- The steps this run executes: all of the flow version, or a retry's subset.
    step_ids        TEXT NOT NULL
);

-- History pages seek on (created_at, id) per flow, newest first.
CREATE INDEX runs_by_flow ON runs (flow_id, created_at DESC, id DESC);
CREATE INDEX runs_by_sync ON runs (sync_id, created_at DESC, id DESC);
CREATE INDEX runs_active ON runs (status) WHERE status IN ('queued', 'running');

CREATE TABLE step_runs (
    run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step_id      TEXT NOT NULL,
    ordinal      INTEGER NOT NULL,
    sync_id      TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempt      INTEGER NOT NULL,
    started_at   TEXT,
    finished_at  TEXT,
    processed    INTEGER NOT NULL DEFAULT 0,
    inserted     INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    deleted      INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    PRIMARY KEY (run_id, step_id)
);

-- A sync's last run and its history across flows.
CREATE INDEX step_runs_by_sync ON step_runs (sync_id, finished_at);
CREATE INDEX step_runs_by_sync_run ON step_runs (sync_id, run_id);

CREATE TABLE rejected_samples (
    run_id   TEXT NOT NULL,
    step_id  TEXT NOT NULL,
    ordinal  INTEGER NOT NULL,
    key      TEXT NOT NULL,
    reason   TEXT NOT NULL,
    record   TEXT NOT NULL,
    PRIMARY KEY (run_id, step_id, ordinal),
    FOREIGN KEY (run_id, step_id) REFERENCES step_runs(run_id, step_id) ON DELETE CASCADE
);

-- Server-sent events of each run, replayed to a client that reconnects.
CREATE TABLE run_events (
    run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    body    TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);

-- API tokens, by the SHA-256 of the secret; the secret itself is never stored.
CREATE TABLE tokens (
    hash        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    source      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- One-time facts about the data dir, such as whether the demo flows were created.
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
