# Authdeck: `make run` to try it, `make test` to check it. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: help deps deps-test ui run sandbox test test-rust test-ui lint bench fuzz package clean

help:
	@echo "make run      build and open Authdeck, ready to try against the built-in sandbox"
	@echo "make test     everything CI checks: format, lints, unit, integration, CLI and UI tests"
	@echo "make sandbox  run only the local sandbox of the five login APIs"
	@echo "make bench    benchmarks; figures go to docs/BENCHMARKS.md"
	@echo "make fuzz     run each fuzz target for a while"
	@echo "make package  build the .deb"

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

# Tauri embeds the built UI at compile time, so the UI is built before any cargo build.
ui: deps
	@cd ui && npm run --silent build

run: ui
	$(CARGO) build -p authdeck-cli
	@scripts/run.sh

sandbox: deps
	$(CARGO) run -q -p authdeck-cli -- sandbox --port 8787

lint: ui
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -q -- -D warnings

test-rust: deps-test ui
	scripts/with-keyring.sh $(CARGO) test --workspace --no-fail-fast

test-ui: deps
	@cd ui && if npm run | grep -q "^  test$$"; then npm test --silent; fi

test: lint test-rust test-ui

bench: deps-test ui
	scripts/bench.sh

fuzz: deps
	scripts/fuzz.sh

package: ui
	cd ui && npx tauri build --bundles deb

clean:
	$(CARGO) clean
	rm -rf ui/dist
