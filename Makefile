# The two commands of the README: `make demo` and `make test`.
# Both install what is missing first (tests/tools/setup.sh) and skip what is there.

SHELL := /bin/bash
# wasm-opt comes from the npm package binaryen; cargo-installed tools from ~/.cargo/bin.
export PATH := $(CURDIR)/tests/browser/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

DEMO_ADDR ?= 127.0.0.1:8080
DEMO_DATA ?= .data

.PHONY: demo test tools tools-browser dashboard backend rust-tests browser-tests

demo: tools dashboard
	cargo build --release -p baton-backend
	@echo
	@echo "Baton: open http://$(DEMO_ADDR)/ once the backend logs that it listens."
	@echo "Paste the editor token it prints into Settings. Stop with Ctrl-C."
	@echo
	target/release/baton-backend --demo --data-dir $(DEMO_DATA) --dist dist --addr $(DEMO_ADDR)

# rust-tests also builds target/debug/baton-backend, which the backend's
# integration tests and the browser journeys both run.
test: tools-browser rust-tests dashboard browser-tests

tools:
	tests/tools/setup.sh

tools-browser:
	tests/tools/setup.sh --browser

dashboard:
	trunk build --release

backend:
	cargo build -p baton-backend

rust-tests:
	cargo test --workspace --exclude baton

browser-tests:
	cd tests/browser && BATON_BACKEND=$(CURDIR)/target/debug/baton-backend BATON_DIST=$(CURDIR)/dist npm test
