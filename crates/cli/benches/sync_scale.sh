#!/usr/bin/env bash
# How `sinch-contacts contacts sync --plan` scales: a plan of ROWS (default 100,000) rows against
# ROWS contacts, with the release CLI against a fresh `sinch-contacts emulator --port PORT` per
# run (killed after it, the port waited for until it is free again). Everything stays on
# 127.0.0.1.
#
#   cargo build --release -p sinch-contacts-cli
#   bash crates/cli/benches/sync_scale.sh [RUNS]
#
# Each run: a fresh emulator; the state imported with `contacts import --no-journal` (ROWS
# contacts `ext-N`: "Person N", an email for even N, EN_US, SMS `+467NNNNNNNN`); then, measured:
#
#   plan     `contacts --json sync SOURCE --delete-missing` under /usr/bin/time: the wall time
#            seen from this script, the peak RSS, and from the document's `timings` the seconds
#            spent reading the file, listing the current contacts and planning. SOURCE is ROWS
#            rows: 96 % of the state's keys, of which 8 % renamed or with a new email and 0.1 %
#            with a new SMS number, and 4 % new keys (creates); the 4 % of the state's keys it
#            lacks are deletes.
#   export   `contacts export --out /dev/null`: the same listing (the port's Bulk::list_contacts,
#            20 contacts a page) with nothing planned, for the listing's cost in the CLI.
#   raw      the same pages fetched by a plain HTTP client (Python's http.client on one
#            kept-alive connection, Basic auth, following next_page_token): what the emulator
#            serves without the CLI, the listing's floor.
#
# One row per run: wall, peak RSS, read, list, plan (seconds), list ÷ wall, plan ÷ list, the
# export's wall and the raw listing's seconds, and the sync's listing ÷ raw.
#
# Environment: BIN (default target/release/sinch-contacts), PORT (default 28390), ROWS, RUNS
# (instead of the argument), SYNC_FLAGS (added to the sync's command line). Dry run:
# ROWS=2000 RUNS=1 bash crates/cli/benches/sync_scale.sh
set -euo pipefail

RUNS=${1:-${RUNS:-3}}
ROWS=${ROWS:-100000}
PORT=${PORT:-28390}
BIN=${BIN:-target/release/sinch-contacts}
URL=http://127.0.0.1:$PORT
# shellcheck disable=SC2206
EXTRA=(${SYNC_FLAGS:-})

if [[ ! -x $BIN ]]; then
    echo "no executable $BIN: cargo build --release -p sinch-contacts-cli (or set BIN)" >&2
    exit 1
fi
for tool in jq bc python3 /usr/bin/time; do
    if ! command -v "$tool" >/dev/null; then
        echo "$tool is needed" >&2
        exit 1
    fi
done

WORK=$(mktemp -d)
EMULATOR_PID=""
CHILD_PID=""

cleanup() {
    if [[ -n $CHILD_PID ]]; then kill -9 "$CHILD_PID" 2>/dev/null || true; fi
    if [[ -n $EMULATOR_PID ]]; then kill "$EMULATOR_PID" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
calc() { echo "$1" | bc -l; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The state and the source, written once.
awk -v n="$ROWS" 'BEGIN {
    print "external_id,display_name,email,language,channel_identities"
    for (i = 1; i <= n; i++) {
        email = (i % 2 == 0) ? sprintf("p%d@example.com", i) : ""
        printf "ext-%d,Person %d,%s,EN_US,SMS:+467%08d\n", i, i, email, i
    }
}' >"$WORK/state.csv"
awk -v n="$ROWS" 'BEGIN {
    kept = int(n * 96 / 100)
    print "external_id,display_name,email,language,channel_identities"
    for (i = 1; i <= kept; i++) {
        name = sprintf("Person %d", i)
        email = (i % 2 == 0) ? sprintf("p%d@example.com", i) : ""
        phone = sprintf("SMS:+467%08d", i)
        if (i % 100 < 4) name = name " (renamed)"
        else if (i % 100 < 8) email = sprintf("new%d@example.com", i)
        if (i % 1000 == 500) phone = sprintf("SMS:+468%08d", i)
        printf "ext-%d,%s,%s,EN_US,%s\n", i, name, email, phone
    }
    for (j = 1; j <= n - kept; j++) {
        printf "ext-%d,New %d,,EN_US,SMS:+469%08d\n", n + j, j, j
    }
}' >"$WORK/source.csv"

cat >"$WORK/raw_list.py" <<'PY'
import base64, http.client, json, sys, time, urllib.parse
port = int(sys.argv[1])
auth = "Basic " + base64.b64encode(b"emulator-key:emulator-secret").decode()
connection = http.client.HTTPConnection("127.0.0.1", port)
token, pages, contacts = "", 0, 0
started = time.monotonic()
while True:
    query = "page_size=20" + ("&page_token=" + urllib.parse.quote(token) if token else "")
    connection.request("GET", "/v1/projects/emulator-project/contacts?" + query,
                       headers={"authorization": auth})
    response = connection.getresponse()
    body = json.loads(response.read())
    if response.status != 200:
        sys.exit(f"HTTP {response.status}: {body}")
    pages += 1
    contacts += len(body.get("contacts", []))
    token = body.get("next_page_token") or ""
    if not token:
        break
print(f"{time.monotonic() - started:.3f} {pages} {contacts}")
PY

start_emulator() {
    if listening "$PORT"; then
        echo "something already listens on 127.0.0.1:$PORT (set PORT)" >&2
        return 1
    fi
    "$BIN" emulator --port "$PORT" >"$WORK/emulator.out" 2>&1 &
    EMULATOR_PID=$!
    for _ in $(seq 1 500); do
        if listening "$PORT"; then return 0; fi
        sleep 0.02
    done
    echo "nothing listens on 127.0.0.1:$PORT" >&2
    return 1
}

stop_emulator() {
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
    EMULATOR_PID=""
    for _ in $(seq 1 500); do
        if ! listening "$PORT"; then return 0; fi
        sleep 0.02
    done
    echo "127.0.0.1:$PORT is still taken" >&2
    return 1
}

# timed NAME COMMAND...: runs it in the background (a signal to this script ends it), its
# standard output into $WORK/NAME.out; sets WALL (seconds).
timed() {
    local name=$1 started
    shift
    started=$(now)
    "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    CHILD_PID=$!
    if ! wait "$CHILD_PID"; then
        CHILD_PID=""
        echo "$name failed:" >&2
        cat "$WORK/$name.err" >&2
        return 1
    fi
    CHILD_PID=""
    WALL=$(calc "$(now) - $started")
}

echo "# sync --plan: $ROWS rows against $ROWS contacts ($BIN)"
printf '%-3s %7s %7s %6s %6s %6s %9s %9s %8s %7s %9s\n' \
    run wall-s rss-MB read-s list-s plan-s list÷wall plan÷list export-s raw-s list÷raw
for ((run = 1; run <= RUNS; run++)); do
    start_emulator
    timed import "$BIN" contacts --base-url "$URL" --json import "$WORK/state.csv" --no-journal
    timed plan /usr/bin/time -f '%M' -o "$WORK/plan.time" \
        "$BIN" contacts --base-url "$URL" --json sync "$WORK/source.csv" --delete-missing \
        "${EXTRA[@]}"
    plan_wall=$WALL
    rss=$(tail -n 1 "$WORK/plan.time" | awk '{ printf "%.1f", $1 / 1024 }')
    read_s=$(jq -r '.timings.read_seconds' "$WORK/plan.out")
    list_s=$(jq -r '.timings.current_seconds' "$WORK/plan.out")
    plan_s=$(jq -r '.timings.plan_seconds' "$WORK/plan.out")
    summary=$(jq -c '.summary' "$WORK/plan.out")
    timed export "$BIN" contacts --base-url "$URL" export --out /dev/null
    export_wall=$WALL
    raw=$(python3 "$WORK/raw_list.py" "$PORT")
    stop_emulator
    raw_s=${raw%% *}
    printf '%-3s %7.2f %7s %6.2f %6.2f %6.3f %9.3f %9.4f %8.2f %7.2f %9.2f\n' \
        "$run" "$plan_wall" "$rss" "$read_s" "$list_s" "$plan_s" \
        "$(calc "$list_s / $plan_wall")" "$(calc "$plan_s / $list_s")" \
        "$export_wall" "$raw_s" "$(calc "$list_s / $raw_s")"
done
echo "# plan summary: $summary; raw listing: ${raw#* } (pages contacts)"
