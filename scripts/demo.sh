#!/usr/bin/env bash
# The main job: a demo ledger from fixtures/demo — init, sign each file of
# events with its agency's key, import, verify, print the checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
FL=build/fundledger
DATA=${DATA:-demo/ledger}
rm -rf "$DATA"
mkdir -p "$(dirname "$DATA")"
$FL init --data "$DATA" --name demo.yunnan >/dev/null
chmod 600 fixtures/demo/keys/*.pem
signed=$(mktemp)
trap 'rm -f "$signed"' EXIT
# Files are applied in name order; NN-<agency>.jsonl is signed by that
# agency's key (the admin's is the one init just made).
for f in fixtures/demo/events/*.jsonl; do
  agency=$(basename "$f" .jsonl); agency=${agency#*-}
  key=fixtures/demo/keys/$agency.pem
  [ "$agency" = admin ] && key=$DATA/admin.pem
  $FL sign --key "$key" --lines < "$f" >> "$signed"
done
$FL import --data "$DATA" "$signed"
$FL verify --data "$DATA" --signatures
echo "checkpoint:"
$FL checkpoint --data "$DATA"
# Then serve it (API.md) until Ctrl-C; DEMO_NO_SERVE=1 stops here instead.
if [ "${DEMO_NO_SERVE:-0}" != 1 ]; then
  echo "serving the demo ledger on http://127.0.0.1:8080 (Ctrl-C stops)"
  exec $FL serve --data "$DATA" --listen 127.0.0.1:8080
fi
