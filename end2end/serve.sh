#!/usr/bin/env bash
# Starts the built server for Playwright on a fresh SQLite database with two
# organizations. Playwright passes the environment (see tests/env.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${TRELLIS_BIN:-target/debug/trellis}"
rm -rf "$E2E_DATA_DIR"
mkdir -p "$E2E_DATA_DIR"
"$bin" migrate
"$bin" org create --slug globex --name "Globex Corporation"
"$bin" org create --slug initech --name "Initech"
exec "$bin" serve
