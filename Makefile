# Authdeck: `make run` to try it, `make test` to check it. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: help deps deps-test deps-e2e ui run sandbox test test-rust test-ui test-e2e lint bench fuzz package clean

help:
	@echo "make run      build and open Authdeck, ready to try against the built-in sandbox"
	@echo "make test     everything CI checks: format, lints, unit, integration, CLI and UI tests"
	@echo "make sandbox  run only the local sandbox of the five login APIs"
	@echo "make bench    benchmarks; figures go to docs/BENCHMARKS.md"
	@echo "make fuzz     run each fuzz target for a while"
	@echo "make package  build the .deb and .rpm"

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

deps-e2e:
	@scripts/deps.sh e2e

# Tauri embeds the built UI at compile time, so the UI is built before any cargo build.
ui: deps
	@cd ui && npm run --silent build

run: ui
	$(CARGO) build -p authdeck-cli
	@scripts/app-run.sh

sandbox: deps
	$(CARGO) run -q -p authdeck-cli -- sandbox --port 8787

lint: ui
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -q -- -D warnings

test-rust: deps-test ui
	scripts/with-keyring.sh $(CARGO) test --workspace --no-fail-fast

test-ui: deps
	cd ui && npm run --silent check && npm test --silent

# The built app in a real window (Xvfb), driven by WebdriverIO through tauri-driver.
# --workspace, not -p authdeck-app: the same feature set as test-rust's build, so its
# dependencies are reused instead of rebuilt with other features (minutes on 2 cores).
test-e2e: deps-e2e ui
	$(CARGO) build --workspace
	scripts/app-e2e.sh

test: lint test-rust test-ui test-e2e

# The app is measured as it ships (release), beside its floor built the same way
# (crates/minimal-window) and the same window showing the app's page (scripts/page-floor.sh);
# the CLI seeds the accounts.
bench: deps-test deps-e2e ui
	@scripts/deps.sh bench
	$(CARGO) build -p authdeck-cli
	$(CARGO) build --release -p authdeck-app -p minimal-window
	scripts/page-floor.sh
	scripts/bench.sh

fuzz: deps
	scripts/fuzz.sh

# The .deb and .rpm carry the app, the `authdeck` CLI, its man pages and shell completions
# (src-tauri/tauri.conf.json, bundle.linux). The completion scripts call `authdeck` by name.
package: ui
	$(CARGO) build --release -p authdeck-cli
	rm -rf target/man target/completions && mkdir -p target/completions
	target/release/authdeck man --out target/man
	for shell in bash zsh fish; do \
	  PATH="$(CURDIR)/target/release:$$PATH" COMPLETE=$$shell authdeck > target/completions/$$shell || exit 1; \
	done
	mv target/completions/bash target/completions/authdeck.bash
	mv target/completions/zsh target/completions/_authdeck
	mv target/completions/fish target/completions/authdeck.fish
	ui/node_modules/.bin/tauri build --bundles deb,rpm
	@ls -1 target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm

clean:
	$(CARGO) clean
	rm -rf ui/dist
