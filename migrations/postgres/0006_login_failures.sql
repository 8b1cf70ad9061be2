-- Failed logins, kept in the database so that every instance sees the same throttle and a
-- restart does not clear it. `key` is `email:<e-mail>` or `pair:<address> <e-mail>`.
CREATE TABLE login_failures (
    key        TEXT NOT NULL,
    failed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures (key, failed_at);
CREATE INDEX login_failures_at_idx ON login_failures (failed_at);
