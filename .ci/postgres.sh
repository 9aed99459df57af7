#!/usr/bin/env bash
# Sourced by .ci/run: a throwaway PostgreSQL cluster on 127.0.0.1 for the store's tests.
# Installs PostgreSQL from the distribution's packages when it is missing, starts a cluster as
# the unprivileged `postgres` user (trust authentication, loopback only, a free port), exports
# SINCH_TEST_POSTGRES_URL, and stops the cluster and removes its files when the shell exits.

pg_setup_started=$(date +%s)

pg_bindir() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ]; then
            echo "$dir"
        fi
    done | sort -V | tail -n 1
}

if [ -z "$(pg_bindir)" ]; then
    echo "== installing PostgreSQL (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(pg_bindir)"
if [ -z "$PG_BIN" ]; then
    echo "PostgreSQL's initdb was not found after installing" >&2
    exit 1
fi

# Run as `postgres` when we are root (initdb refuses root), else as ourselves.
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    pg_as() { runuser -u postgres -- "$@"; }
else
    pg_as() { "$@"; }
fi

PG_DIR="$(mktemp -d /tmp/sinch-pg.XXXXXX)"
chmod 700 "$PG_DIR"
[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000)))"

pg_stop() {
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
trap pg_stop EXIT

pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --no-sync >/dev/null
pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-k $PG_DIR -p $PG_PORT -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
    start >/dev/null
pg_as "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres sinch_test

export SINCH_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/sinch_test"
echo "== PostgreSQL ready at $SINCH_TEST_POSTGRES_URL ($(( $(date +%s) - pg_setup_started )) s)"
