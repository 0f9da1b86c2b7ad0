#!/usr/bin/env bash
# The main job: a demo ledger of a synthetic Yunnan province built by
# fixtures/generate.py (16 prefectures, ~1,000 stations, two years of money
# with planted misuse) — init, import, verify, replay with a flag summary by
# rule and prefecture, compare with the fixture's truth file, then serve.
set -euo pipefail
cd "$(dirname "$0")/.."
FL=build/fundledger
DEMO=${DEMO:-demo}
DATA=$DEMO/ledger
rm -rf "$DEMO"
mkdir -p "$DEMO"
$FL init --data "$DATA" --name demo.yunnan >/dev/null
echo "generating the Yunnan fixture (signed with the new admin key)..."
python3 fixtures/generate.py --admin-key "$DATA/admin.pem" --origin fundledger/demo.yunnan \
  --out "$DEMO/fixture"
$FL import --data "$DATA" "$DEMO/fixture/events.jsonl"
$FL verify --data "$DATA" --signatures
echo
echo "flags by rule and prefecture (replayed from the first entry):"
$FL replay --data "$DATA" --out "$DEMO/flags.json"
echo
python3 fixtures/check_truth.py "$DEMO/fixture/truth.json" "$DEMO/flags.json"
echo
echo "checkpoint:"
$FL checkpoint --data "$DATA"
token=$($FL token create --data "$DATA" --role auditor --scope 530000)
echo "auditor token (scope 530000): $token"
# Then serve it (API.md) until Ctrl-C; DEMO_NO_SERVE=1 stops here instead.
# The server runs as a coprocess so that the way in is printed last, once
# it accepts connections (its first stdout line says so).
if [ "${DEMO_NO_SERVE:-0}" != 1 ]; then
  coproc SERVE { exec $FL serve --data "$DATA" --listen 127.0.0.1:8080; }
  serve_pid=$SERVE_PID
  if ! read -r listening <&"${SERVE[0]}"; then
    wait "$serve_pid" || true
    echo "demo: fundledger serve did not start (is 127.0.0.1:8080 in use?)" >&2
    exit 1
  fi
  trap 'kill -TERM "$serve_pid" 2>/dev/null || true' INT TERM
  echo "serving the demo ledger: $listening"
  echo "the API, for example:"
  echo "  curl -H 'Authorization: Bearer $token' 'http://127.0.0.1:8080/v1/flags?rule=R01'"
  echo
  echo "Open the console at http://127.0.0.1:8080/ and sign in with the auditor token:"
  echo "  $token"
  echo "(Ctrl-C stops the server.)"
  # A trapped signal ends `wait` early: wait again until serve has exited.
  while kill -0 "$serve_pid" 2>/dev/null; do wait "$serve_pid" || true; done
else
  echo "Serve it with: $FL serve --data $DATA --listen 127.0.0.1:8080"
  echo "then open the console at http://127.0.0.1:8080/ and sign in with the auditor token above."
fi
