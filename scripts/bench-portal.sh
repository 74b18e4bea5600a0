#!/usr/bin/env bash
# The candidate-portal benchmark of docs/benchmarks.md (issue #5): a release
# build, demo mode on SQLite, a signed-in candidate's application page with
# three upcoming interviews and five content blocks, against /healthz of the
# same server in the same run, with wrk (64 connections) and oha (a fixed
# 200 req/s, evenly spaced) on loopback.
#   scripts/bench-portal.sh            (BENCH_SKIP_BUILD=1: use the existing release build;
#                                       BENCH_SERVE_ONLY=1: set up, then keep serving for a profiler)
# Everything is set up through the product's own HTTP API (recruiter and
# candidate sign-in through the dev mailbox, activation, content blocks);
# only the demo data is nudged with sqlite3 so that the application's three
# interviews all lie ahead.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-3400}
base="http://localhost:$port"
export PATH="$PWD/target/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
command -v wasm-opt > /dev/null || npm install --prefix target/tools --no-save binaryen >&2
command -v oha > /dev/null || cargo install oha --locked >&2
command -v wrk > /dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }

# BENCH_SKIP_BUILD=1 reuses the release build already in target/.
[ -n "${BENCH_SKIP_BUILD:-}" ] || make release >&2
wasm=target/site/pkg/trellis.wasm
echo "release wasm, main chunk: $(stat -c %s "$wasm") bytes, gzipped $(gzip -9 -c "$wasm" | wc -c) bytes"
echo "release wasm, dashboard chunks (split off): $(cat target/site/pkg/split_*.wasm | wc -c) bytes"

work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2> /dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
db="$work/bench.db"
DATABASE_URL="sqlite://$db?mode=rwc" TRELLIS_DEMO=1 TRELLIS_BIND_ADDR="127.0.0.1:$port" \
  TRELLIS_PUBLIC_URL="$base" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  TRELLIS_MASTER_KEY=$(head -c 32 /dev/urandom | base64) \
  ./target/release/trellis serve > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do curl -sf "$base/healthz" > /dev/null && break; sleep 0.2; done

sql() { sqlite3 -separator ' ' "$db" "$1"; }
# The demo syncs at start-up: wait for the application with the most
# scheduled interviews.
pick=""
for _ in $(seq 1 300); do
  pick=$(sql "SELECT a.id, a.job_id, lower(json_extract(c.email_addresses, '\$[0].value'))
      FROM gh_applications a
      JOIN gh_candidates c ON c.organization_id = a.organization_id AND c.id = a.candidate_id
      JOIN gh_interviews i ON i.organization_id = a.organization_id AND i.application_id = a.id
     WHERE a.prospect = 0 AND a.status = 'in_process' AND i.status = 'scheduled'
     GROUP BY a.id HAVING count(*) >= 1 ORDER BY count(*) DESC, a.id LIMIT 1" 2> /dev/null || true)
  [ -n "$pick" ] && break
  sleep 0.2
done
read -r application job email <<< "$pick"
# Its interviews (three in the demo), all moved ahead.
sql "UPDATE gh_interviews SET status = 'scheduled',
       starts_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '+7 days', '+' || (id % 5) || ' hours'),
       ends_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '+7 days', '+' || (id % 5) || ' hours', '+45 minutes')
     WHERE application_id = $application AND starts_at IS NOT NULL"
interviews=$(sql "SELECT count(*) FROM gh_interviews WHERE application_id = $application")

# post PATH COOKIE FORM… — a same-origin form post; prints the response headers.
post() {
  local path=$1 cookie=$2 field args=()
  shift 2
  for field in "$@"; do args+=(--data-urlencode "$field"); done
  [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
  curl -s -o /dev/null -D - -H "Origin: $base" -H "Accept: application/json" "${args[@]}" "$base$path"
}
cookie_of() { sed -n "s/^set-cookie: \($1=[^;]*\).*/\1/Ip" | tail -n1; }
# mailbox_link PATH_PART — the newest link containing it in the dev mailbox.
mailbox_link() {
  curl -s "$base/dev/mailbox" | grep -o "http://[^\"<]*$1[^\"<]*" | head -n1 | sed 's/&amp;/\&/g'
}
token_of() { sed 's/.*token=//'; }

attempt=$(post /api/request_sign_in "" "email=admin@acme-robotics.example" | cookie_of __Host-ml_attempt)
sleep 0.5
token=$(mailbox_link /admin/sign-in/link | token_of)
recruiter=$(post /api/confirm_sign_in "$attempt" "token=$token" | cookie_of __Host-rs)
post /api/activate_job "$recruiter" "job_id=$job" > /dev/null
for n in 1 2 3 4 5; do
  stage=all
  [ $((n % 2)) -eq 0 ] && stage=$(sql "SELECT s.id FROM portal_stages s JOIN portals p ON p.id = s.portal_id
      WHERE p.job_id = $job ORDER BY s.position LIMIT 1 OFFSET $((n / 2))")
  post /api/save_content_block "$recruiter" "job_id=$job" "block[kind]=markdown" "block[stage]=$stage" \
    "block[title]=Block $n" \
    "block[markdown]=## Preparing, part $n
Bring **your portfolio**, a laptop, and questions. [Our office](https://example.com/office)

- Arrive 10 minutes early
- Ask for the recruiter at reception" > /dev/null
done
blocks=$(sql "SELECT count(*) FROM content_blocks")

attempt=$(post /api/request_candidate_sign_in "" "subdomain=demo" "email=$email" | cookie_of __Host-ml_attempt)
sleep 0.5
token=$(mailbox_link /p/demo/sign-in/link | token_of)
candidate=$(post /api/confirm_candidate_sign_in "$attempt" "subdomain=demo" "token=$token" | cookie_of __Host-cs)
page="$base/p/demo/applications/$application"
status=$(curl -s -o "$work/page.html" -w '%{http_code}' -H "Cookie: $candidate" "$page")
shown=$(grep -o 'Add to calendar' "$work/page.html" | wc -l)
echo "application $application of job $job: $interviews interviews ($shown upcoming on the page), $blocks blocks, page answers $status"
[ "$status" = 200 ] && [ "$shown" -ge 3 ] || { echo "the page is not what the benchmark needs" >&2; exit 1; }

echo "--- what a browser downloads for the application page (Chromium)"
node scripts/page-downloads.mjs "$page" "$candidate"
if [ -n "${BENCH_SERVE_ONLY:-}" ]; then
  # For profiling: the set-up server stays up until interrupted.
  echo "page: $page"; echo "cookie: $candidate"; echo "server pid: $pid"
  wait "$pid"
fi
echo "--- /healthz, 64 connections"
wrk -t2 -c64 -d15s --latency "$base/healthz" | tee "$work/healthz.txt"
echo "--- application page, 64 connections"
wrk -t2 -c64 -d15s --latency -H "Cookie: $candidate" "$page" | tee "$work/page.txt"
echo "--- application page at a fixed 200 req/s (oha: requests evenly spaced, 16 connections, latency corrected for coordinated omission)"
oha -z 30s -q 200 -c 16 --latency-correction --no-tui --output-format json \
  -H "Cookie: $candidate" "$page" > "$work/paced.json"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const ms = (s) => (s * 1000).toFixed(2);
  const p = r.latencyPercentiles, codes = r.statusCodeDistribution;
  console.log(`${r.summary.requestsPerSec.toFixed(1)} req/s, status codes ${JSON.stringify(codes)}; ` +
    `latency p50 ${ms(p.p50)} ms, p90 ${ms(p.p90)} ms, p99 ${ms(p.p99)} ms, p99.9 ${ms(p["p99.9"])} ms, max ${ms(r.summary.slowest)} ms`);
' "$work/paced.json"
rate() { sed -n 's/^Requests\/sec: *//p' "$1"; }
echo "ratio page/healthz at 64 connections: $(echo "scale=3; $(rate "$work/page.txt") / $(rate "$work/healthz.txt")" | bc)"
