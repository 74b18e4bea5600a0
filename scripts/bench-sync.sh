#!/usr/bin/env bash
# The sync benchmarks of docs/benchmarks.md: a release build of `trellis`, the
# built-in Greenhouse simulator on loopback, and /usr/bin/time for peak RSS.
#   scripts/bench-sync.sh            # SQLite
#   BENCH_PG_URL=postgres://trellis:trellis@127.0.0.1:5432/trellis_bench scripts/bench-sync.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p server --bin trellis >&2
trellis=$PWD/target/release/trellis
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export TRELLIS_MASTER_KEY RUST_LOG=warn
TRELLIS_MASTER_KEY=$(head -c 32 /dev/urandom | base64)

# simulator PORT ARGS… — start one and wait until it answers.
simulator() {
  local port=$1; shift
  "$trellis" simulator --port "$port" "$@" > "$work/sim-$port.log" &
  pids+=($!)
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/_simulator/stats" > /dev/null && return 0
    sleep 0.1
  done
  echo "the simulator on port $port did not start" >&2; exit 1
}

# connect DATABASE_URL SLUG PORT — a fresh organization connected with Harvest v3.
connect() {
  local db=$1 slug=$2 port=$3 user
  user=$(sed -n 's/.*--user-id \([0-9]*\).*/\1/p' "$work/sim-$port.log" | head -n1)
  DATABASE_URL=$db "$trellis" org create --slug "$slug" --name "Bench $slug" > /dev/null
  DATABASE_URL=$db "$trellis" greenhouse connect --org "$slug" --v3 \
    --client-id trellis-simulator --client-secret simulator-secret --user-id "$user" \
    --base-url "http://127.0.0.1:$port" --token-url "http://127.0.0.1:$port/token" > /dev/null 2>&1
}

# timed_sync DATABASE_URL SLUG [--full] — prints "<seconds> <peak KB> <records> <requests>".
timed_sync() {
  local db=$1; shift
  DATABASE_URL=$db /usr/bin/time -f '%e %M' -o "$work/time" "$trellis" sync --org "$@" > "$work/out" 2> /dev/null
  local records requests
  records=$(sed -n 's/.*: \([0-9]*\) records.*/\1/p' "$work/out")
  requests=$(sed -n 's/.* \([0-9]*\) requests to Greenhouse.*/\1/p' "$work/out")
  echo "$(cat "$work/time") $records $requests"
}

database() {
  if [ -n "${BENCH_PG_URL:-}" ]; then echo "$BENCH_PG_URL"; else echo "sqlite://$work/$1.db?mode=rwc"; fi
}

echo "== medium full sync, no rate limit"
simulator 4611 --size medium
db=$(database medium); connect "$db" medium 4611
read -r secs kb records requests < <(timed_sync "$db" medium --full)
echo "medium: $records records in $secs s = $(echo "$records / $secs" | bc) records/s, peak RSS $kb KB, $requests requests"
medium_kb=$kb

echo "== incremental sync after 10 changes"
curl -sf -X POST "http://127.0.0.1:4611/_simulator/changes" -H 'content-type: application/json' -d '{"update": 10}' > /dev/null
read -r secs _ records requests < <(timed_sync "$db" medium)
echo "incremental: $requests requests, $records records, $secs s"

if [ -z "${BENCH_PG_URL:-}" ]; then
  echo "== large full sync (peak RSS)"
  simulator 4612 --size large
  db=$(database large); connect "$db" large 4612
  read -r secs kb records requests < <(timed_sync "$db" large --full)
  echo "large: $records records in $secs s = $(echo "$records / $secs" | bc) records/s, peak RSS $kb KB, $requests requests"
  echo "peak RSS large / medium = $(echo "scale=2; $kb / $medium_kb" | bc)"

  echo "== medium full sync, 50 requests per 10 s"
  simulator 4613 --size medium --rate-limit 50 --rate-window 10
  db=$(database limited); connect "$db" limited 4613
  # connect spent some of the window: start on a fresh one.
  sleep 10
  read -r secs _ records requests < <(timed_sync "$db" limited --full)
  # The floor: every full window of 50 list requests after the first costs 10 s
  # (the token request is not rate limited).
  floor=$(( (requests - 2) / 50 * 10 ))
  echo "rate-limited: $requests requests in $secs s; the API's floor is $floor s; ratio $(echo "scale=3; $secs / $floor" | bc)"
fi
