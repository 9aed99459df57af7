#!/usr/bin/env bash
# How `sinch-contacts contacts import` scales: against a rate limit, under injected faults, in
# memory, when it has to stop, and against an older build. Every import runs the release CLI
# against a fresh `sinch-contacts emulator --port PORT ...` (killed after the run, and the port
# waited for until it is free again) with a fresh journal, on an input the script writes itself
# into a temporary directory: a CSV with one contact per row, external ids `ext-N`, distinct
# phone numbers `+467NNNNNNNN`. One printf row per run. Everything stays on 127.0.0.1.
#
#   cargo build --release -p sinch-contacts-cli
#   bash crates/cli/benches/import_scale.sh MEASUREMENT [RUNS]
#
# MEASUREMENT is one of (RUNS, default 3, is how many times each case is repeated):
#
#   rate      ROWS (default 2000) rows into an emulator with `--rate-limit R/s,burst=B`, for R
#             = RATE (default 200), each burst B of BURSTS (default "R R/10 1") and each
#             concurrency C of CONCURRENCIES (default "16 64", the import's --concurrency).
#             Prints the wall time, rows created and failed, rows created per second, the
#             requests the limit allowed and refused (from /_emulator/status), the 429 share
#             refused ÷ (allowed + refused), the achieved request rate (allowed ÷ wall) ÷ R and
#             the created rows per second ÷ R. With a journal the import lists the server's
#             external ids once, then sends one create per row, so rows/s ÷ R can near 1.
#   faults    ROWS (default 100000) rows into an emulator without faults and into one with
#             FAULTS (default `5xx=0.10,429=0.05,drop-before=0.01,drop-after=0.01`) and
#             `--seed RUN`, both in every run, in alternating order. Prints the rows per second
#             of each, faults ÷ none, the faulty import's failed and not started rows, and
#             then, with the faults switched off (PUT /_emulator/faults), exports every contact
#             and prints `duplicates=K`: exported contacts minus distinct external ids (and
#             `exported=N`, the contacts exported).
#   memory    Peak RSS (/usr/bin/time -f %M) of importing ROWS (default 1000000) rows: a fresh
#             import, and the rerun that resumes an import killed with SIGKILL once about half
#             the rows are done in its journal (KILL_AT, default ROWS/2, done rows). Prints the
#             peak RSS in MB, the wall time and rows per second of each, and the emulator's
#             VmRSS at the end (it holds every contact in memory, so it grows with ROWS).
#             The rerun's rows and rows/s count only what it created or recovered: the rows
#             its journal had done it reports as already present (shown in the note).
#   stop      Wall time from start to exit of an import of ROWS (default 10000) rows against
#             a closed port on 127.0.0.1 (DEAD_PORT, default: the first port from PORT+1 on
#             that nothing listens on) and against a live emulator with `--key-secret wrong`.
#             Prints the exit code, the wall seconds and how many lines of standard error start
#             with `error:` (should be 1) and with `line ` (per-row lines, should be 0).
#   baseline  ROWS (default "10000 100000", a list of sizes) rows with $BIN and with $OLD_BIN
#             (required), alternating which goes first, a fresh emulator for every import and
#             each import in a fresh directory (so a default journal beside the file or in the
#             working directory is fresh too). Prints the rows per second of each and new ÷ old.
#   all       rate, faults (ROWS=100000 unless FAULTS_ROWS says otherwise) and stop. memory and
#             baseline run only when named.
#
# "rows/s" is the rows the import finished (created + recovered + already present, from its
# `--json` summary) ÷ the wall time of the import process as seen from this script.
#
# Environment: BIN (default target/release/sinch-contacts), OLD_BIN, PORT (default 28290, the
# emulator's port), ROWS (the size for the measurement named; with `all` per measurement only
# through RATE_ROWS, FAULTS_ROWS, STOP_ROWS), also MEMORY_ROWS and BASELINE_ROWS, RUNS (instead
# of the second argument), RATE, BURSTS, CONCURRENCIES, FAULTS, KILL_AT, DEAD_PORT, and
# IMPORT_FLAGS, added to every import's command line. Dry run: ROWS=300 RUNS=1 ... rate.
set -euo pipefail

usage() {
    echo "usage: $0 rate|faults|memory|stop|baseline|all [RUNS]" >&2
    echo "  (env: BIN OLD_BIN PORT ROWS RUNS RATE BURSTS CONCURRENCIES FAULTS KILL_AT DEAD_PORT IMPORT_FLAGS)" >&2
    exit 2
}

MEASUREMENT=${1:-}
[[ -n $MEASUREMENT ]] || usage
RUNS=${2:-${RUNS:-3}}
PORT=${PORT:-28290}
BIN=${BIN:-target/release/sinch-contacts}
URL=http://127.0.0.1:$PORT
# shellcheck disable=SC2206
EXTRA=(${IMPORT_FLAGS:-})

if [[ ! -x $BIN ]]; then
    echo "no executable $BIN: cargo build --release -p sinch-contacts-cli (or set BIN)" >&2
    exit 1
fi
for tool in jq bc curl pgrep /usr/bin/time; do
    if ! command -v "$tool" >/dev/null; then
        echo "$tool is needed" >&2
        exit 1
    fi
done

WORK=$(mktemp -d)
EMULATOR_PID=""
IMPORT_PID=""

# Kills PID and, first, its descendants (an import under /usr/bin/time is time's child).
kill_tree() {
    local pid=$1 child
    for child in $(pgrep -P "$pid" 2>/dev/null || true); do kill_tree "$child"; done
    kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
    if [[ -n $IMPORT_PID ]]; then kill_tree "$IMPORT_PID"; fi
    if [[ -n $EMULATOR_PID ]]; then kill "$EMULATOR_PID" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
calc() { echo "$1" | bc -l; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The CSV of $1 rows, written once per size.
input_file() {
    local rows=$1 file=$WORK/people-$1.csv
    if [[ ! -s $file ]]; then
        awk -v n="$rows" 'BEGIN {
            print "external_id,display_name,language,channel_identities"
            for (i = 1; i <= n; i++) printf "ext-%d,Person %d,EN_US,SMS:+467%08d\n", i, i, i
        }' >"$file"
    fi
    echo "$file"
}

# Starts `$BIN emulator --port $PORT "$@"` and waits until it answers.
start_emulator() {
    if listening "$PORT"; then
        echo "something already listens on 127.0.0.1:$PORT (set PORT)" >&2
        return 1
    fi
    "$BIN" emulator --port "$PORT" "$@" >"$WORK/emulator.out" 2>&1 &
    EMULATOR_PID=$!
    for _ in $(seq 1 500); do
        if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
            echo "the emulator exited:" >&2
            cat "$WORK/emulator.out" >&2
            EMULATOR_PID=""
            return 1
        fi
        if listening "$PORT"; then return 0; fi
        sleep 0.02
    done
    echo "nothing listens on 127.0.0.1:$PORT" >&2
    return 1
}

# Stops the emulator and waits until its port is free for the next one.
stop_emulator() {
    if [[ -n $EMULATOR_PID ]]; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
        EMULATOR_PID=""
    fi
    for _ in $(seq 1 500); do
        if ! listening "$PORT"; then return 0; fi
        sleep 0.02
    done
    echo "127.0.0.1:$PORT is still taken" >&2
    return 1
}

emulator_rss_mb() {
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$EMULATOR_PID/status"
}

# run_import NAME BINARY ARGS...: runs `BINARY ARGS...` in the background (so a signal to this
# script ends it), its standard output's last line into $WORK/NAME.json, its standard error
# into $WORK/NAME.err. Sets WALL (seconds) and RC (exit code). With TIMED set, the command runs
# under /usr/bin/time and PEAK_MB is its peak RSS.
run_import() {
    local name=$1 started
    shift
    rm -f "$WORK/$name.json" "$WORK/$name.err" "$WORK/$name.time"
    started=$(now)
    if [[ -n ${TIMED:-} ]]; then
        /usr/bin/time -f '%M' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    else
        "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    fi
    IMPORT_PID=$!
    RC=0
    wait "$IMPORT_PID" || RC=$?
    IMPORT_PID=""
    WALL=$(calc "$(now) - $started")
    tail -n 1 "$WORK/$name.out" >"$WORK/$name.json"
    if [[ -n ${TIMED:-} ]]; then
        PEAK_MB=$(tail -n 1 "$WORK/$name.time" | awk '{ printf "%.1f", $1 / 1024 }')
    fi
}

# field NAME KEY: a field of the import's summary, `?` when there is none.
field() {
    local value
    value=$(jq -r ".$2 // \"?\"" "$WORK/$1.json" 2>/dev/null || true)
    echo "${value:-?}"
}
# finished NAME [FALLBACK]: the rows an import finished; FALLBACK (default 0) when its output
# has no summary.
finished() {
    local value
    value=$(jq -r '(.created // 0) + (.recovered // 0) + (.already_present // 0)' \
        "$WORK/$1.json" 2>/dev/null || true)
    echo "${value:-${2:-0}}"
}

# The size for measurement $1 with default $2: <NAME>_ROWS, else ROWS (not with `all`).
rows_for() {
    local specific=${1^^}_ROWS
    if [[ -n ${!specific:-} ]]; then
        echo "${!specific}"
    elif [[ $MEASUREMENT != all && -n ${ROWS:-} ]]; then
        echo "$ROWS"
    else
        echo "$2"
    fi
}

# --- rate --------------------------------------------------------------------------------

measure_rate() {
    local rows rate file bursts burst c run status created failed allowed refused
    rows=$(rows_for rate 2000)
    rate=${RATE:-200}
    file=$(input_file "$rows")
    bursts=${BURSTS:-$(printf '%s\n' "$rate" "$((rate / 10 > 0 ? rate / 10 : 1))" 1 | awk '!seen[$0]++' | xargs)}
    echo "# rate: $rows rows, --rate-limit $rate/s,burst=B, --concurrency C"
    printf '%-5s %-5s %-4s %-3s %8s %7s %6s %9s %7s %7s %6s %9s %9s\n' \
        R B C run wall-s created failed created/s allowed refused 429-sh achieved÷R rows/s÷R
    for burst in $bursts; do
        for c in ${CONCURRENCIES:-16 64}; do
            for ((run = 1; run <= RUNS; run++)); do
                start_emulator --rate-limit "$rate/s,burst=$burst"
                rm -f "$WORK/journal"
                run_import rate "$BIN" contacts --base-url "$URL" --json import "$file" \
                    --journal "$WORK/journal" --concurrency "$c" "${EXTRA[@]}"
                status=$(curl -s "$URL/_emulator/status")
                stop_emulator
                created=$(field rate created)
                failed=$(field rate failed)
                allowed=$(jq -r '.rate_limit.allowed' <<<"$status")
                refused=$(jq -r '.rate_limit.refused' <<<"$status")
                printf '%-5s %-5s %-4s %-3s %8.2f %7s %6s %9.1f %7s %7s %6.3f %9.3f %9.3f\n' \
                    "$rate" "$burst" "$c" "$run" "$WALL" "$created" "$failed" \
                    "$(calc "${created/\?/0} / $WALL")" "$allowed" "$refused" \
                    "$(calc "if ($allowed + $refused > 0) $refused / ($allowed + $refused) else 0")" \
                    "$(calc "$allowed / $WALL / $rate")" \
                    "$(calc "${created/\?/0} / $WALL / $rate")"
            done
        done
    done
}

# --- faults ------------------------------------------------------------------------------

# One import of $2 into a fresh emulator, faulty when $1 is `faults`. Sets ROWS_PER_S; for the
# faulty one also FAILED, NOT_STARTED, INJECTED and DUPLICATES.
faults_case() {
    local kind=$1 file=$2 run=$3 export_file=$WORK/export.jsonl lines distinct
    if [[ $kind == faults ]]; then
        start_emulator --faults "$FAULT_SPEC" --seed "$run"
    else
        start_emulator
    fi
    rm -f "$WORK/journal"
    run_import "faults-$kind" "$BIN" contacts --base-url "$URL" --json import "$file" \
        --journal "$WORK/journal" "${EXTRA[@]}"
    ROWS_PER_S=$(calc "$(finished "faults-$kind") / $WALL")
    if [[ $kind == faults ]]; then
        FAILED=$(field faults-faults failed)
        NOT_STARTED=$(field faults-faults not_started)
        INJECTED=$(curl -s "$URL/_emulator/status" |
            jq -r '.fault_counts | "\(.server_error)/\(.too_many_requests)/\(.drop_before)/\(.drop_after)"')
        curl -s -X PUT --data none "$URL/_emulator/faults" >/dev/null
        rm -f "$export_file"
        if "$BIN" contacts --base-url "$URL" export --out "$export_file" >/dev/null 2>"$WORK/export.err"; then
            lines=$(wc -l <"$export_file")
            distinct=$(jq -r '.external_id // empty' "$export_file" | sort -u | wc -l)
            DUPLICATES="$((lines - distinct)) exported=$lines"
        else
            DUPLICATES="?(export failed: $(head -n 1 "$WORK/export.err"))"
        fi
    fi
    stop_emulator
}

measure_faults() {
    local rows file run none faulty order kind
    rows=$(rows_for faults 100000)
    FAULT_SPEC=${FAULTS:-5xx=0.10,429=0.05,drop-before=0.01,drop-after=0.01}
    file=$(input_file "$rows")
    echo "# faults: $rows rows, no faults vs --faults $FAULT_SPEC --seed RUN"
    echo "# injected = 5xx/429/drop-before/drop-after answers in the faulty run"
    printf '%-3s %-11s %9s %9s %7s %6s %11s %-19s %s\n' \
        run first none-r/s fault-r/s ratio failed not-started injected duplicates
    for ((run = 1; run <= RUNS; run++)); do
        if ((run % 2)); then order="none faults"; else order="faults none"; fi
        for kind in $order; do
            faults_case "$kind" "$file" "$run"
            if [[ $kind == none ]]; then none=$ROWS_PER_S; else faulty=$ROWS_PER_S; fi
        done
        printf '%-3s %-11s %9.1f %9.1f %7.3f %6s %11s %-19s duplicates=%s\n' \
            "$run" "${order%% *}" "$none" "$faulty" \
            "$(calc "if ($none > 0) $faulty / $none else 0")" \
            "$FAILED" "$NOT_STARTED" "$INJECTED" "$DUPLICATES"
    done
}

# --- memory ------------------------------------------------------------------------------

done_rows() { grep -c '"done"' "$1" 2>/dev/null || true; }

measure_memory() {
    local rows file kill_at run done_count emulator_mb redone
    rows=$(rows_for memory 1000000)
    kill_at=${KILL_AT:-$((rows / 2))}
    file=$(input_file "$rows")
    echo "# memory: $rows rows; resume = rerun after SIGKILL at ~$kill_at done rows"
    printf '%-7s %-3s %8s %9s %8s %9s %8s %7s %s\n' \
        case run rows peak-MB wall-s rows/s emu-MB rc note
    for ((run = 1; run <= RUNS; run++)); do
        # (a) a fresh import.
        start_emulator
        rm -f "$WORK/journal"
        TIMED=1 run_import memory-fresh "$BIN" contacts --base-url "$URL" --json import "$file" \
            --journal "$WORK/journal" "${EXTRA[@]}"
        emulator_mb=$(emulator_rss_mb)
        stop_emulator
        printf '%-7s %-3s %8s %9s %8.2f %9.1f %8s %7s %s\n' fresh "$run" "$rows" "$PEAK_MB" \
            "$WALL" "$(calc "$(finished memory-fresh) / $WALL")" "$emulator_mb" "$RC" ""

        # (b) an import killed half-way, then the rerun that resumes it.
        start_emulator
        rm -f "$WORK/journal"
        "$BIN" contacts --base-url "$URL" --json import "$file" --journal "$WORK/journal" \
            "${EXTRA[@]}" >"$WORK/memory-killed.out" 2>"$WORK/memory-killed.err" &
        IMPORT_PID=$!
        while kill -0 "$IMPORT_PID" 2>/dev/null; do
            done_count=$(done_rows "$WORK/journal")
            if ((${done_count:-0} >= kill_at)); then break; fi
            sleep 0.2
        done
        kill -9 "$IMPORT_PID" 2>/dev/null || true
        wait "$IMPORT_PID" 2>/dev/null || true
        IMPORT_PID=""
        done_count=$(done_rows "$WORK/journal")
        TIMED=1 run_import memory-resume "$BIN" contacts --base-url "$URL" --json import "$file" \
            --journal "$WORK/journal" "${EXTRA[@]}"
        emulator_mb=$(emulator_rss_mb)
        stop_emulator
        redone=$(jq -r '(.created // 0) + (.recovered // 0)' "$WORK/memory-resume.json" || true)
        redone=${redone:-0}
        printf '%-7s %-3s %8s %9s %8.2f %9.1f %8s %7s %s\n' resume "$run" "$redone" "$PEAK_MB" \
            "$WALL" "$(calc "$redone / $WALL")" "$emulator_mb" "$RC" \
            "killed at $done_count done rows; rerun: created=$(field memory-resume created) recovered=$(field memory-resume recovered) already_present=$(field memory-resume already_present)"
    done
}

# --- stop --------------------------------------------------------------------------------

measure_stop() {
    local rows file dead run kind errors per_row
    rows=$(rows_for stop 10000)
    file=$(input_file "$rows")
    dead=${DEAD_PORT:-$((PORT + 1))}
    while listening "$dead"; do dead=$((dead + 1)); done
    echo "# stop: $rows rows; dead = closed port 127.0.0.1:$dead, wrong-key = live emulator, --key-secret wrong"
    printf '%-9s %-3s %3s %9s %7s %6s\n' case run rc wall-s error: line
    for ((run = 1; run <= RUNS; run++)); do
        for kind in dead wrong-key; do
            rm -f "$WORK/journal"
            if [[ $kind == dead ]]; then
                if listening "$dead"; then
                    echo "127.0.0.1:$dead is taken now (set DEAD_PORT)" >&2
                    return 1
                fi
                run_import stop "$BIN" contacts --base-url "http://127.0.0.1:$dead" --json \
                    import "$file" --journal "$WORK/journal" "${EXTRA[@]}"
            else
                start_emulator
                run_import stop "$BIN" contacts --base-url "$URL" --key-secret wrong --json \
                    import "$file" --journal "$WORK/journal" "${EXTRA[@]}"
                stop_emulator
            fi
            errors=$(grep -c '^error:' "$WORK/stop.err" || true)
            per_row=$(grep -c '^line ' "$WORK/stop.err" || true)
            printf '%-9s %-3s %3s %9.3f %7s %6s\n' "$kind" "$run" "$RC" "$WALL" "$errors" "$per_row"
        done
    done
}

# --- baseline ----------------------------------------------------------------------------

# One import of $3 by binary $2 in a fresh directory holding only a link to the file, run from
# there, into a fresh emulator. Sets ROWS_PER_S.
baseline_case() {
    local name=$1 binary=$2 file=$3 rows=$4 dir=$WORK/run
    rm -rf "$dir"
    mkdir "$dir"
    ln "$file" "$dir/people.csv"
    start_emulator
    # shellcheck disable=SC2016 # expanded by the inner shell
    run_import "$name" bash -c 'cd "$1" && shift && exec "$@"' _ "$dir" \
        "$binary" contacts --base-url "$URL" --json import people.csv "${EXTRA[@]}"
    stop_emulator
    ROWS_PER_S=$(calc "$(finished "$name" "$rows") / $WALL")
    if ((RC != 0)); then
        echo "  ($binary exited with $RC: $(head -n 1 "$WORK/$name.err"))" >&2
    fi
    rm -rf "$dir"
}

measure_baseline() {
    local sizes rows file run order who new old
    if [[ -z ${OLD_BIN:-} || ! -x ${OLD_BIN:-} ]]; then
        echo "baseline needs OLD_BIN, the older sinch-contacts binary to compare with" >&2
        return 2
    fi
    OLD_BIN=$(realpath "$OLD_BIN")
    local new_bin
    new_bin=$(realpath "$BIN")
    sizes=$(rows_for baseline "10000 100000")
    echo "# baseline: new = $new_bin, old = $OLD_BIN"
    printf '%-8s %-3s %-5s %9s %9s %9s\n' rows run first new-r/s old-r/s new÷old
    for rows in $sizes; do
        file=$(input_file "$rows")
        for ((run = 1; run <= RUNS; run++)); do
            if ((run % 2)); then order="new old"; else order="old new"; fi
            for who in $order; do
                if [[ $who == new ]]; then
                    baseline_case baseline-new "$new_bin" "$file" "$rows"
                    new=$ROWS_PER_S
                else
                    baseline_case baseline-old "$OLD_BIN" "$file" "$rows"
                    old=$ROWS_PER_S
                fi
            done
            printf '%-8s %-3s %-5s %9.1f %9.1f %9.3f\n' "$rows" "$run" "${order%% *}" "$new" "$old" \
                "$(calc "if ($old > 0) $new / $old else 0")"
        done
    done
}

case $MEASUREMENT in
    rate) measure_rate ;;
    faults) measure_faults ;;
    memory) measure_memory ;;
    stop) measure_stop ;;
    baseline) measure_baseline ;;
    all)
        measure_rate
        echo
        measure_faults
        echo
        measure_stop
        ;;
    *) usage ;;
esac
