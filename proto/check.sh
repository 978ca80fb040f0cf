#!/usr/bin/env bash
# Guards the contracts (make proto-check, part of make test). Offline. Fails when:
#   1. buf lint (STANDARD rules) reports anything, or a .proto file is not in `buf format` layout;
#   2. buf breaking finds a wire/source-breaking change against the committed baseline image
#      proto/baseline.binpb;
#   3. the committed generated code packages/contracts/src/gen differs from a fresh generation.
# To change the baseline DELIBERATELY (after a reviewed, intended change; see docs/CONTRACTS.md):
#   bash proto/check.sh --update-baseline
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/node_modules/.bin:$PATH"
cd "$root/proto"

if [[ "${1:-}" == "--update-baseline" ]]; then
  buf build --exclude-source-info -o baseline.binpb
  echo "proto-check: baseline.binpb rewritten from the current schema; commit it with the change."
  exit 0
fi

echo "proto-check: buf lint"
if ! buf lint; then
  echo "proto-check: FAILED buf lint (fix the .proto files above)" >&2
  exit 1
fi

echo "proto-check: buf format"
if ! buf format --diff --exit-code >&2; then
  echo "proto-check: FAILED buf format (apply with: cd proto && npx buf format -w)" >&2
  exit 1
fi

echo "proto-check: buf breaking against proto/baseline.binpb"
if ! buf breaking --against baseline.binpb; then
  cat >&2 <<'MSG'
proto-check: FAILED buf breaking: the change above breaks consumers of the published contracts.
  Prefer an additive change (new field number, new message, deprecate instead of delete/rename).
  If the break is intended and agreed, update the baseline: bash proto/check.sh --update-baseline
MSG
  exit 1
fi

echo "proto-check: generated code is up to date"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
buf generate --template buf.gen.yaml --output "$tmp"
if ! diff -r "$tmp/gen" "$root/packages/contracts/src/gen" >"$tmp/diff.txt"; then
  head -n 60 "$tmp/diff.txt" >&2
  echo "proto-check: FAILED packages/contracts/src/gen is stale; run: bash proto/generate.sh (make proto) and commit it" >&2
  exit 1
fi
echo "proto-check: OK"
