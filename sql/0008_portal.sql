-- 0008_portal.sql - the public portal and Open311: requests residents file
-- without an account, the API keys of Open311 clients, rate-limit counters,
-- and a location on cases (grid workers and Open311 need it).
--
-- A public request is one row next to the case it created (1:1): the case
-- holds the content, requester and workflow; this row holds what only the
-- public side needs: the tracking code, the last four phone digits that
-- unlock it, the resident's rating.  Photos attach to the case itself.

ALTER TABLE cases ADD COLUMN lat DOUBLE PRECISION;
ALTER TABLE cases ADD COLUMN lon DOUBLE PRECISION;
ALTER TABLE cases ADD COLUMN address TEXT;

CREATE TABLE api_keys (
    id          @ID@,
    name        TEXT NOT NULL UNIQUE,
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    disabled    INTEGER NOT NULL DEFAULT 0,
    disabled_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE public_requests (
    id              @ID@,
    case_id         BIGINT NOT NULL UNIQUE REFERENCES cases(id),
    tracking_code   TEXT NOT NULL UNIQUE,
    service_code    TEXT NOT NULL,
    phone_last4     TEXT,
    source          TEXT NOT NULL CHECK (source IN ('portal', 'open311')),
    api_key_id      BIGINT REFERENCES api_keys(id),
    ip              TEXT,
    created_at      BIGINT NOT NULL,
    rating          INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment  TEXT,
    rated_at        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX public_requests_created ON public_requests(created_at);

-- Fixed-window counters: key (e.g. "submit:ip:1.2.3.4"), the window's start, hits.
CREATE TABLE rate_limits (
    key           TEXT NOT NULL,
    window_start  BIGINT NOT NULL,
    count         INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits(window_start);
