# Trellis: `make run` serves the demo, `make test` runs every check CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

CARGO_LEPTOS_VERSION := 0.3.10
# The wasm-bindgen CLI must match the crate pinned in Cargo.toml exactly.
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
# `cargo leptos build` compiles debug builds with this flag; giving the other
# cargo commands the same flags lets them share one build of the dependencies.
# Release builds need it too: without it rustc overflows its query depth on
# the deepest views.
# Every build passes `--split`: the dashboard's pages are lazy routes, each a
# wasm chunk of its own, and the hydration script of a build without it
# imports a placeholder module that does not exist.
TEST_RUSTFLAGS := --cfg erase_components
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help run dev test tools browser e2e-deps fmt-check lint test-rust build release e2e clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: tools ## Build, then serve the demo on SQLite at http://localhost:3000
	cargo leptos build --split
	TRELLIS_DEMO=$${TRELLIS_DEMO:-1} ./target/debug/trellis serve

dev: tools ## Serve with rebuild-on-save and live reload
	TRELLIS_DEMO=$${TRELLIS_DEMO:-1} cargo leptos watch --split

test: tools e2e-deps fmt-check lint test-rust build e2e ## Every check: fmt, clippy, Rust tests, build, Playwright

tools: ## Install the wasm target, cargo-leptos and wasm-bindgen when missing
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -qx "cargo-leptos $(CARGO_LEPTOS_VERSION)" \
	  || cargo install cargo-leptos --locked --version $(CARGO_LEPTOS_VERSION) --features no_downloads --debug
	@wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $(WASM_BINDGEN_VERSION)" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force

browser: ## Install Debian's Chromium when missing (Playwright cannot download browsers here)
	@[ -x /usr/bin/chromium ] || { $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

e2e-deps: browser ## Install the Playwright packages from package-lock.json
	@[ -d end2end/node_modules/@playwright/test ] && [ end2end/node_modules/.package-lock.json -nt end2end/package-lock.json ] \
	  || (cd end2end && npm ci --no-audit --no-fund)

fmt-check:
	cargo fmt --all -- --check

lint: ## Clippy on the server build and on the wasm build, warnings denied
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo clippy --locked -p app -p server -p migrations --all-targets --features app/ssr -- -D warnings
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo clippy --locked -p frontend --target wasm32-unknown-unknown -- -D warnings

test-rust: ## Unit and integration tests on SQLite, and on PostgreSQL when TRELLIS_TEST_DATABASE_URL is set
	env -u TRELLIS_TEST_DATABASE_URL RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo test --locked -p app -p server -p migrations --features app/ssr
	@if [ -n "$${TRELLIS_TEST_DATABASE_URL:-}" ]; then \
	  echo "--- integration tests on PostgreSQL"; \
	  RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo test --locked -p app -p server -p migrations --features app/ssr --test api; \
	else echo "--- TRELLIS_TEST_DATABASE_URL is not set: PostgreSQL run skipped (.ci/run sets it)"; fi

build: tools ## cargo leptos build (debug): target/debug/trellis and target/site
	cargo leptos build --split --cargo-locked

release: tools ## Optimised build with the dashboard split from the portal's wasm: target/release/trellis
	@command -v wasm-opt > /dev/null || [ -x target/tools/node_modules/.bin/wasm-opt ] \
	  || npm install --prefix target/tools --no-save --no-audit --no-fund binaryen
	PATH="$$PWD/target/tools/node_modules/.bin:$$PATH" RUSTFLAGS="$(TEST_RUSTFLAGS)" \
	  cargo leptos build --release --split --cargo-locked

e2e: ## Playwright in Debian's Chromium against the built server, with and without JavaScript
	cd end2end && CI=1 npx playwright test

clean:
	cargo clean
	rm -rf end2end/.data end2end/test-results data
