# The human front door. `make run` and `make test` work on a fresh Debian/Ubuntu machine with Node 20:
# each installs what it needs (idempotently) first, then drives the steps below directly.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_MODULES_STAMP := node_modules/.package-lock.json
WASM := packages/svi-core/pkg/svi_core_bg.wasm

.PHONY: help setup system-deps wasm run up test test-node lint typecheck proto proto-check cargo-test bench clean

help:
	@echo "make run    - start volstream embedded (simulator when no venue is reachable), dashboard on :8080"
	@echo "make test   - install what is missing, then lint, typecheck, proto checks, cargo test, node tests"
	@echo "make bench  - run the benchmarks (results belong in docs/BENCHMARKS.md)"

system-deps:
	@bash scripts/ensure-system-deps.sh $(SYSTEM_EXTRAS)

$(NODE_MODULES_STAMP): package.json package-lock.json $(wildcard packages/*/package.json services/*/package.json)
	npm ci --no-audit --no-fund
	@touch $@

wasm: system-deps
	@bash quant-core/build-wasm.sh

setup: system-deps $(NODE_MODULES_STAMP) wasm

run: setup
	node bin/volstream.mjs run $(ARGS)

up: setup
	bash scripts/up.sh

lint: $(NODE_MODULES_STAMP)
	node scripts/complete-lockfile.mjs --check
	npx biome check .

typecheck: $(NODE_MODULES_STAMP)
	npx tsc -p tsconfig.json
	npx tsc -p packages/dashboard/tsconfig.json

proto: $(NODE_MODULES_STAMP)
	bash proto/generate.sh

proto-check: $(NODE_MODULES_STAMP)
	bash proto/check.sh

cargo-test:
	cd quant-core && cargo test --release --quiet

test-node: setup
	node scripts/run-tests.mjs $(TESTS)

# The storage tests start a real clickhouse-server (Debian's) and the dashboard test drives Chromium, so tests install both.
test test-node: SYSTEM_EXTRAS += clickhouse chromium
test: setup lint typecheck proto-check cargo-test test-node

bench: setup
	node scripts/run-benches.mjs $(BENCH)

clean:
	rm -rf node_modules packages/*/node_modules services/*/node_modules quant-core/target packages/svi-core/pkg/*.wasm
