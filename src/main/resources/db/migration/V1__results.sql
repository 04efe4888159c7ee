-- The store of results, the same on H2 and PostgreSQL. JSON is kept as text (what the API
-- answered, so a stored result reads back byte for byte); the columns beside it are what
-- lists, history and retention filter and sort on.

-- The machine and runtime a result was measured on; id is a hash of the description.
CREATE TABLE fingerprints (
    id          VARCHAR(64)              PRIMARY KEY,
    description VARCHAR(2000)            NOT NULL,
    json        VARCHAR                  NOT NULL,
    first_seen  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE experiments (
    id                    VARCHAR(36)              PRIMARY KEY,
    sequence              BIGINT                   NOT NULL,
    replica               VARCHAR(200)             NOT NULL,
    status                VARCHAR(16)              NOT NULL,
    mode                  VARCHAR(40)              NOT NULL,
    workload              VARCHAR(40)              NOT NULL,
    tasks                 INTEGER                  NOT NULL,
    concurrency           INTEGER                  NOT NULL,
    label                 VARCHAR(1000),
    comparison_id         VARCHAR(36),
    fingerprint_id        VARCHAR(64)              REFERENCES fingerprints (id),
    capacity              DOUBLE PRECISION,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at           TIMESTAMP WITH TIME ZONE,
    heartbeat_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    cancel_requested      BOOLEAN                  DEFAULT FALSE NOT NULL,
    wall_millis           DOUBLE PRECISION,
    throughput_per_second DOUBLE PRECISION,
    efficiency            DOUBLE PRECISION,
    interfered            BOOLEAN,
    log_bytes             BIGINT                   DEFAULT 0 NOT NULL,
    -- What the experiment takes in the store (its view, its run and its log), for retention.
    stored_bytes          BIGINT                   DEFAULT 0 NOT NULL
);

CREATE INDEX experiments_by_scenario ON experiments (workload, mode, tasks, created_at);
CREATE INDEX experiments_by_status ON experiments (status, heartbeat_at);
CREATE INDEX experiments_by_creation ON experiments (created_at);

-- What GET /experiments/{id} answers (while it runs: as of the last heartbeat), and what its
-- pictures and trace need beside the log; apart, so that lists and retention read small rows.
CREATE TABLE experiment_views (
    experiment_id VARCHAR(36) PRIMARY KEY REFERENCES experiments (id) ON DELETE CASCADE,
    view_json     VARCHAR     NOT NULL,
    run_json      VARCHAR
);

-- Every task's timings of a finished experiment, compact and deflated (TaskLogCodec).
CREATE TABLE experiment_logs (
    experiment_id VARCHAR(36) PRIMARY KEY REFERENCES experiments (id) ON DELETE CASCADE,
    log           BYTEA       NOT NULL
);

CREATE TABLE comparisons (
    id               VARCHAR(36)              PRIMARY KEY,
    sequence         BIGINT                   NOT NULL,
    replica          VARCHAR(200)             NOT NULL,
    status           VARCHAR(16)              NOT NULL,
    workload         VARCHAR(40)              NOT NULL,
    tasks            INTEGER                  NOT NULL,
    label            VARCHAR(1000),
    fingerprint_id   VARCHAR(64)              REFERENCES fingerprints (id),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at      TIMESTAMP WITH TIME ZONE,
    heartbeat_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    cancel_requested BOOLEAN                  DEFAULT FALSE NOT NULL,
    view_json        VARCHAR                  NOT NULL
);

CREATE INDEX comparisons_by_creation ON comparisons (created_at);

-- The cap on running experiments across every replica: a run holds one row while it is
-- queued or running; a replica that stops beating loses its rows after lab.store.stale-after.
CREATE TABLE run_slots (
    slot          INTEGER                  PRIMARY KEY,
    experiment_id VARCHAR(36),
    replica       VARCHAR(200),
    heartbeat_at  TIMESTAMP WITH TIME ZONE
);
