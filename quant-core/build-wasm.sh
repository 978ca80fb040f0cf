#!/usr/bin/env bash
# Builds quant-core for wasm32-unknown-unknown into packages/svi-core/pkg/svi_core_bg.wasm, plus a
# second fitter (the same crate with `--cfg fitter_variant`, another fitter id and fit options) into
# packages/svi-core/pkg/test-fitters/alt_fitter.wasm for the module-swap tests.
# Why two toolchains: rustup's toolchain is preferred when it has the wasm32 target (developer
# laptops); the build machines cannot download that target, so Debian's /usr/bin/rustc 1.63 with
# libstd-rust-dev-wasm32 is the fallback (see docs INFRA.md). Idempotent: a hash of the sources,
# Cargo.toml and this script is kept in a stamp; nothing is rebuilt while it matches.
# Usage: bash quant-core/build-wasm.sh [--force]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pkg="$root/packages/svi-core/pkg"
out="$pkg/svi_core_bg.wasm"
alt="$pkg/test-fitters/alt_fitter.wasm"
work="$here/build"
stamp="$work/wasm.stamp"

hash_sources() {
  (
    cd "$here"
    find src -name '*.rs' -type f | LC_ALL=C sort | xargs sha256sum
    sha256sum Cargo.toml build-wasm.sh 2>/dev/null || true
  ) | sha256sum | cut -d' ' -f1
}

current="$(hash_sources)"
if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ -f "$out" ] && [ -f "$alt" ] &&
  [ "$(cat "$stamp")" = "$current" ]; then
  echo "build-wasm: up to date ($out)"
  exit 0
fi

mkdir -p "$work" "$pkg/test-fitters"

# Pick the compiler: rustup's when it can target wasm32, else Debian's.
rustc_bin=""
if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustc_bin="$(rustup which rustc)"
elif [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/wasm32-unknown-unknown ]; then
  rustc_bin=/usr/bin/rustc
else
  echo "build-wasm: no Rust toolchain with the wasm32-unknown-unknown std (run scripts/ensure-system-deps.sh)" >&2
  exit 1
fi

# One compile of src/lib.rs as a cdylib; $1 = output, remaining args = extra rustc flags.
compile() {
  local dest="$1"
  shift
  local flags=(--edition 2021 --crate-type cdylib --crate-name svi_core --target wasm32-unknown-unknown
    -C opt-level=3 -C panic=abort -C codegen-units=1 -C debuginfo=0 "$@")
  # SIMD128 is tried first (Node 20 and current browsers run it); dropped if this compiler rejects it.
  if ! "$rustc_bin" "${flags[@]}" -C target-feature=+simd128 -o "$dest" "$here/src/lib.rs" 2>"$work/rustc.err"; then
    if grep -q 'simd128' "$work/rustc.err"; then
      echo "build-wasm: simd128 rejected, building without it" >&2
      "$rustc_bin" "${flags[@]}" -o "$dest" "$here/src/lib.rs"
    else
      cat "$work/rustc.err" >&2
      return 1
    fi
  fi
}

optimise() {
  local src="$1" dest="$2"
  if command -v wasm-opt >/dev/null 2>&1; then
    wasm-opt -O3 --enable-simd --enable-sign-ext --enable-mutable-globals \
      --enable-nontrapping-float-to-int --enable-bulk-memory --strip-debug --strip-producers \
      -o "$dest.tmp" "$src"
  else
    echo "build-wasm: wasm-opt (binaryen) not found, shipping the unoptimised module" >&2
    cp "$src" "$dest.tmp"
  fi
  mv "$dest.tmp" "$dest"
}

echo "build-wasm: compiling with $rustc_bin ($("$rustc_bin" --version))"
compile "$work/svi_core_raw.wasm"
optimise "$work/svi_core_raw.wasm" "$out"
compile "$work/alt_fitter_raw.wasm" --cfg fitter_variant
optimise "$work/alt_fitter_raw.wasm" "$alt"
echo "$current" >"$stamp"
echo "build-wasm: wrote $out ($(stat -c %s "$out") bytes) and $alt ($(stat -c %s "$alt") bytes)"
