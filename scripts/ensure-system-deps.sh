#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, only where missing (idempotent).
# Why each: kcat runs librdkafka's mock Kafka cluster for bus tests; rustc + libstd-rust-dev-wasm32
# build quant-core for wasm32 when rustup has no wasm32 target (it cannot download one here);
# binaryen gives wasm-opt.
set -euo pipefail

need=()
command -v kcat >/dev/null 2>&1 || need+=(kcat)
command -v wasm-opt >/dev/null 2>&1 || need+=(binaryen)
if ! (command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown); then
  [ -x /usr/bin/rustc ] || need+=(rustc)
  [ -d /usr/lib/rustlib/wasm32-unknown-unknown ] || need+=(libstd-rust-dev-wasm32)
fi
if ! command -v cargo >/dev/null 2>&1; then need+=(cargo); fi
for extra in "$@"; do
  case "$extra" in
    chromium) command -v chromium >/dev/null 2>&1 || need+=(chromium) ;;
    clickhouse) command -v clickhouse-server >/dev/null 2>&1 || need+=(clickhouse-server clickhouse-client) ;;
    *) echo "ensure-system-deps: unknown extra '$extra'" >&2; exit 2 ;;
  esac
done

if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "Installing Debian packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
