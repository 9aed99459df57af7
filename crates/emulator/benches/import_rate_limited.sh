#!/usr/bin/env bash
# How today's importer does against a rate limit. The release CLI imports the same 2,000-row
# CSV (--no-journal, defaults otherwise) into a fresh `sinch-contacts emulator --rate-limit
# 200/s,burst=B`, RUNS times for each burst B. Each run prints the import's wall time, the rows
# created and failed, the rows created per second, the API requests the limit allowed and
# refused (from /_emulator/status), the allowed requests per second and that rate ÷ the limit.
# Without a journal each row takes two requests (a look-up by external id, then the create),
# so the rows per second are at most half the limit. Everything stays on 127.0.0.1.
#
#   cargo build --release -p sinch-contacts-cli
#   bash crates/emulator/benches/import_rate_limited.sh [RUNS] [PORT]
#
# BURSTS (default "200 20 1") chooses the bursts; RATE (default 200) the rate; ROWS (default
# 2000) the rows; IMPORT_FLAGS are added to the import's command line.
set -euo pipefail

RUNS=${1:-2}
PORT=${2:-28190}
RATE=${RATE:-200}
ROWS=${ROWS:-2000}
BIN=${BIN:-target/release/sinch-contacts}
WORK=$(mktemp -d)
CSV=$WORK/people-$ROWS.csv
EMULATOR_PID=""

cleanup() {
    if [[ -n $EMULATOR_PID ]]; then kill "$EMULATOR_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

{
    echo "external_id,display_name,language,channel_identities"
    for ((i = 1; i <= ROWS; i++)); do
        printf 'ext-%d,Person %d,EN_US,SMS:+467%08d\n' "$i" "$i" "$i"
    done
} >"$CSV"

wait_for_port() {
    for _ in $(seq 1 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.02
    done
    echo "nothing listens on 127.0.0.1:$1" >&2
    return 1
}

now() { date +%s.%N; }

printf '%-6s %-4s %8s %7s %6s %7s %7s %7s %9s %6s\n' \
    burst run wall-s created failed rows/s allowed refused allowed/s ÷rate
for burst in ${BURSTS:-200 20 1}; do
    for ((run = 1; run <= RUNS; run++)); do
        "$BIN" emulator --port "$PORT" --rate-limit "$RATE/s,burst=$burst" >"$WORK/emulator.out" 2>&1 &
        EMULATOR_PID=$!
        wait_for_port "$PORT"
        started=$(now)
        # shellcheck disable=SC2086
        "$BIN" contacts --base-url "http://127.0.0.1:$PORT" --json import "$CSV" --no-journal \
            ${IMPORT_FLAGS:-} 2>/dev/null | tail -n 1 >"$WORK/import.json" || true
        wall=$(echo "$(now) - $started" | bc -l)
        status=$(curl -s "http://127.0.0.1:$PORT/_emulator/status")
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
        EMULATOR_PID=""
        created=$(jq -r '.created // "?"' "$WORK/import.json")
        failed=$(jq -r '.failed // "?"' "$WORK/import.json")
        allowed=$(jq -r '.rate_limit.allowed' <<<"$status")
        refused=$(jq -r '.rate_limit.refused' <<<"$status")
        per_second=$(echo "$allowed / $wall" | bc -l)
        printf '%-6s %-4s %8.2f %7s %6s %7.1f %7s %7s %9.1f %6.3f\n' "$burst" "$run" "$wall" \
            "$created" "$failed" "$(echo "$created / $wall" | bc -l)" "$allowed" "$refused" "$per_second" \
            "$(echo "$per_second / $RATE" | bc -l)"
    done
done
