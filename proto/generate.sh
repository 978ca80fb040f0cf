#!/usr/bin/env bash
# Regenerates the committed TypeScript contracts (packages/contracts/src/gen) from proto/volstream/v1
# with protoc-gen-es (buf.gen.yaml). Offline: buf runs the local plugin from node_modules.
# Usage: bash proto/generate.sh            (or: make proto)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/node_modules/.bin:$PATH"
cd "$root/proto"
buf generate --template buf.gen.yaml --output "$root/packages/contracts/src"
echo "proto: generated packages/contracts/src/gen"
