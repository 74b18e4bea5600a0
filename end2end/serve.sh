#!/usr/bin/env bash
# Starts the built server for Playwright on a fresh SQLite database: demo
# mode (the demo organization synced from the built-in Greenhouse simulator,
# and its admin), an editor and a viewer for it, and two more organizations.
# Playwright passes the environment (see tests/env.ts). With E2E_SMTP_PORT
# set it also starts the SMTP sink and sends mail there.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${TRELLIS_BIN:-target/debug/trellis}"
rm -rf "$E2E_DATA_DIR" "end2end/.auth/${E2E_PORT:-3100}"
mkdir -p "$E2E_DATA_DIR" "end2end/.auth/${E2E_PORT:-3100}"
"$bin" migrate
"$bin" org create --slug demo --name "Acme Robotics (demo)"
"$bin" admin create --org demo --email editor@acme-robotics.example --role editor --name "Demo Editor"
"$bin" admin create --org demo --email viewer@acme-robotics.example --role viewer --name "Demo Viewer"
"$bin" org create --slug globex --name "Globex Corporation"
"$bin" org create --slug initech --name "Initech"
# The portal server sends mail through real SMTP to a sink on loopback.
if [ -n "${E2E_SMTP_PORT:-}" ]; then
  node end2end/smtp-sink.mjs &
  export TRELLIS_SMTP_URL="smtp://127.0.0.1:${E2E_SMTP_PORT}"
fi
exec "$bin" serve
