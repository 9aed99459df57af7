#!/usr/bin/env bash
# What registering a webhook costs the API it serves. The release CLI imports the same
# 20,000-row CSV into a fresh emulator, in turn: without a webhook, with a webhook to
# `callbacks listen` (the in-memory receiver), with a webhook to the `sink` example (answers
# 200 at once), and without a webhook again. Each round prints the import rates, the ratios
# with ÷ without measured in that round (against the mean of its two runs without), how long
# after the import started every delivery was finished, and the most connections the receiver
# had open at once. Everything stays on 127.0.0.1; it stops after ROUNDS rounds.
#
#   cargo build --release -p sinch-contacts-cli
#   cargo build --release -p sinch-contacts-emulator --example sink
#   bash crates/emulator/benches/import_with_webhook.sh [ROUNDS] [PORT_BASE]
#
# EMULATOR_BIN runs the emulator from another build of the CLI (the importer and `callbacks
# listen` stay those of BIN). DELIVERY_THREAD_CHRT (e.g. "-i 0", SCHED_IDLE) is applied with
# chrt to the emulator's delivery thread, to try another scheduling policy without a rebuild.
# EMULATOR_FLAGS are added to the emulator's command line (e.g. "--background-deliveries").
# RECEIVERS chooses the receivers compared with no webhook (default "listen sink"; "durable"
# is `callbacks listen --state FILE`, a SQLite file per run; "unsent" registers a webhook whose
# target is not http://, so every callback is produced and logged but none is sent: the cost
# of a webhook to the API alone). RECEIVER_NICE (e.g. 19) runs the receiver under `nice -n`,
# as a receiver sharing a machine with the API would be run so that it never takes a core the
# API needs (with --background-deliveries, the deliveries then catch up after the import).
set -euo pipefail

ROUNDS=${1:-6}
PORT_BASE=${2:-28090}
ROWS=20000
BIN=${BIN:-target/release/sinch-contacts}
EMULATOR_BIN=${EMULATOR_BIN:-$BIN}
SINK=${SINK:-target/release/examples/sink}
EMULATOR_PORT=$PORT_BASE
RECEIVER_PORT=$((PORT_BASE + 1))
SECRET=hooksecret
WORK=$(mktemp -d)
CSV=$WORK/people-$ROWS.csv
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
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

# How many deliveries are finished (delivered, failed or dropped).
finished() {
    local status
    status=$(curl -s "http://127.0.0.1:$EMULATOR_PORT/_emulator/status")
    if jq -e 'has("webhooks")' <<<"$status" >/dev/null; then
        jq '[.webhooks[] | .delivered + .failed + .dropped] | add // 0' <<<"$status"
    else
        # An emulator without delivery counts: read the log.
        curl -s "http://127.0.0.1:$EMULATOR_PORT/_emulator/deliveries" |
            jq '[.deliveries[] | select(.finished)] | length'
    fi
}

# Prints: import rate, seconds from the import's start until every delivery was finished, most
# receiver connections open at once (both - without a webhook).
run() {
    local receiver=$1 receiver_pid="" emulator_pid sampler_pid="" started
    local flags=()
    local niced=()
    if [[ -n ${RECEIVER_NICE:-} ]]; then niced=(nice -n "$RECEIVER_NICE"); fi
    case $receiver in
        listen) "${niced[@]}" "$BIN" callbacks listen --port "$RECEIVER_PORT" --secret "$SECRET" >"$WORK/receiver.out" 2>&1 & ;;
        durable) rm -f "$WORK"/state.db*
            "${niced[@]}" "$BIN" callbacks listen --port "$RECEIVER_PORT" --secret "$SECRET" --state "$WORK/state.db" \
                >"$WORK/receiver.out" 2>&1 & ;;
        sink) "${niced[@]}" "$SINK" "$RECEIVER_PORT" >"$WORK/receiver.out" 2>&1 & ;;
    esac
    if [[ $receiver != none && $receiver != unsent ]]; then
        receiver_pid=$!
        PIDS+=("$receiver_pid")
        wait_for_port "$RECEIVER_PORT"
        flags=(--webhook "http://127.0.0.1:$RECEIVER_PORT/" --secret "$SECRET")
    fi
    # shellcheck disable=SC2086
    "$EMULATOR_BIN" emulator --port "$EMULATOR_PORT" "${flags[@]}" ${EMULATOR_FLAGS:-} >"$WORK/emulator.out" 2>&1 &
    emulator_pid=$!
    PIDS+=("$emulator_pid")
    wait_for_port "$EMULATOR_PORT"
    if [[ $receiver == unsent ]]; then
        curl -s -X POST "http://127.0.0.1:$EMULATOR_PORT/_emulator/webhooks" \
            -H 'content-type: application/json' \
            -d '{"target":"unsent://nowhere/","secret":"s","triggers":["CONTACT_CREATE"]}' >/dev/null
    fi
    if [[ -n ${DELIVERY_THREAD_CHRT:-} ]]; then
        for task in /proc/"$emulator_pid"/task/*; do
            if [[ $(cat "$task/comm") == emulator-webhoo* ]]; then
                # shellcheck disable=SC2086
                chrt -p $DELIVERY_THREAD_CHRT "$(basename "$task")"
            fi
        done
    fi
    if [[ -n $receiver_pid ]]; then
        echo 0 >"$WORK/most"
        (
            most=0
            while :; do
                open=$(ss -Htn state established "( sport = :$RECEIVER_PORT )" | wc -l)
                if ((open > most)); then most=$open && echo "$most" >"$WORK/most"; fi
                sleep 0.05
            done
        ) &
        sampler_pid=$!
        PIDS+=("$sampler_pid")
    fi
    started=$(now)
    "$BIN" contacts --base-url "http://127.0.0.1:$EMULATOR_PORT" --json import "$CSV" --no-journal \
        2>/dev/null | tail -n 1 >"$WORK/import.json"
    local rate done_after=- most=-
    rate=$(jq -r '.created_per_second' "$WORK/import.json")
    if [[ -n $receiver_pid ]]; then
        while (($(finished) < ROWS)); do sleep 0.05; done
        done_after=$(echo "$(now) - $started" | bc)
        kill "$sampler_pid" 2>/dev/null || true
        wait "$sampler_pid" 2>/dev/null || true
        most=$(cat "$WORK/most")
    fi
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    if [[ -n $receiver_pid ]]; then
        kill "$receiver_pid" 2>/dev/null || true
        wait "$receiver_pid" 2>/dev/null || true
    fi
    echo "$rate $done_after $most"
}

read -r -a KINDS <<<"${RECEIVERS:-listen sink}"
printf '%-5s %8s' round none/s
for kind in "${KINDS[@]}"; do printf ' %9s %6s %7s %6s' "$kind/s" ÷none done-s conns; done
printf '\n'
for ((round = 1; round <= ROUNDS; round++)); do
    read -r before _ _ < <(run none)
    results=()
    for kind in "${KINDS[@]}"; do
        read -r rate done_after most < <(run "$kind")
        results+=("$rate" "$done_after" "$most")
    done
    read -r after _ _ < <(run none)
    none=$(echo "($before + $after) / 2" | bc -l)
    printf '%-5s %8.0f' "$round" "$none"
    for ((k = 0; k < ${#KINDS[@]}; k++)); do
        rate=${results[$((3 * k))]}
        done_after=${results[$((3 * k + 1))]}
        # No receiver ("unsent"): nothing to catch up, the column says "-".
        if [[ $done_after != - ]]; then done_after=$(printf '%.2f' "$done_after"); fi
        printf ' %9.0f %6.2f %7s %6s' "$rate" "$(echo "$rate / $none" | bc -l)" \
            "$done_after" "${results[$((3 * k + 2))]}"
    done
    printf '\n'
done
