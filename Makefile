# orderchat: every task a person runs is a target here; `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

GO      ?= go
BIN     := bin/orderchat
SQLC    := $(GO) -C tools tool sqlc -f ../sqlc.yaml
OAPI    := $(GO) tool oapi-codegen
NPM_OK  := node_modules/.package-lock.json

.PHONY: help run build web generate check-generated lint test test-go fuzz test-web test-e2e test-partners screenshots bench bench-smoke bench-peers clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

run: build ## serve on http://localhost:8080 with a local PostgreSQL under .data/ (when DATABASE_URL is unset)
	./$(BIN) serve --dev

build: web ## build the binary (web UI embedded) into bin/
	$(GO) build -o $(BIN) ./cmd/orderchat

$(NPM_OK): package.json package-lock.json
	npm ci --no-audit --no-fund

web: $(NPM_OK) ## build the web UI into web/dist
	npm run --silent build:web

generate: $(NPM_OK) ## regenerate gen/ from openapi/ and queries/ with the pinned generators
	$(OAPI) -config openapi/types.cfg.yaml openapi/openapi.yaml
	$(OAPI) -config openapi/server.cfg.yaml openapi/openapi.yaml
	$(OAPI) -config openapi/client.cfg.yaml openapi/openapi.yaml
	rm -f gen/db/*.go # sqlc leaves behind files it no longer writes (copyfrom.go, a removed query file)
	$(SQLC) generate
	npm run --silent gen:ts

check-generated: ## fail when gen/ differs from what the generators produce
	@snapshot=$$(mktemp -d) && cp -a gen "$$snapshot/" && \
	if ! $(MAKE) --no-print-directory generate >/dev/null; then \
		echo "make generate failed (the error is above)"; rm -rf "$$snapshot"; exit 1; \
	fi; \
	if ! diff -r "$$snapshot/gen" gen; then \
		echo "gen/ was stale: the diff above is now in your tree; commit it"; rm -rf "$$snapshot"; exit 1; \
	fi; rm -rf "$$snapshot"; echo "gen/ is up to date"

# Tracked files may be at most 1 MiB, except these (pictures, fuzz corpora): a binary or a
# build output committed by mistake would make every clone pay for it.
LARGE_FILES_ALLOWED := ^docs/screenshots/|/testdata/fuzz/

# staticcheck is pinned by a tool directive in its own module (tools/staticcheck/go.mod, so that
# its dependencies do not move sqlc's), built into bin/.
STATICCHECK := bin/staticcheck

# Our Go packages: `./...` would also take the Go sources an npm package ships in node_modules/.
GO_PACKAGES = $$($(GO) list ./... | grep -v '/node_modules/')
$(STATICCHECK): tools/staticcheck/go.mod tools/staticcheck/go.sum
	$(GO) -C tools/staticcheck build -o $(CURDIR)/$(STATICCHECK) honnef.co/go/tools/cmd/staticcheck

lint: $(NPM_OK) $(STATICCHECK) ## lint the OpenAPI document and the TypeScript (eslint), vet, staticcheck and format-check the Go code, refuse large tracked files and SRS citations
	npm run --silent lint:openapi
	npm run --silent lint:web
	$(GO) vet $(GO_PACKAGES)
	$(STATICCHECK) $$($(GO) list ./... | grep -v -e '/gen/' -e '/node_modules/')
	@unformatted=$$(gofmt -l cmd internal eventstream migrations openapi web); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	@large=$$(git ls-files -z | xargs -0 stat -c '%s %n' 2>/dev/null | awk '$$1 > 1048576 {print $$2}' | grep -Ev '$(LARGE_FILES_ALLOWED)'); \
	if [ -n "$$large" ]; then echo "tracked files over 1 MiB (build outputs and binaries do not belong in git): $$large"; exit 1; fi
	@cited=$$(git grep -nE '\bSRS\b' -- ':!gen' ':!*.png' ':!Makefile'); \
	if [ -n "$$cited" ]; then echo "cite the project's own documents (openapi.yaml, README, docs/adr), not the SRS, which is not in this repository:"; echo "$$cited"; exit 1; fi

test: lint check-generated web test-go fuzz test-web test-e2e test-partners bench-smoke ## everything: lint, generated-code freshness, Go tests on a real PostgreSQL, short fuzzing, web unit and browser tests, partner clients, a smoke run of the load generator

test-go: ## Go tests (a throwaway PostgreSQL per package unless DATABASE_URL is set)
	$(GO) test -race -count=1 $(GO_PACKAGES)

# Each fuzz target runs a fixed number of inputs (a few seconds each) on top of its committed
# corpus (testdata/fuzz). Counts rather than durations: a time limit that expires mid-run
# can fail the run with "context deadline exceeded" although nothing was found. Fuzz one
# longer with e.g. `go test -run '^$$' -fuzz '^FuzzEncode$$' -fuzztime 10m ./internal/sse`.
FUZZ_TARGETS := internal/auth:FuzzVerify:60000 internal/httpapi:FuzzReadUpload:15000 \
	internal/httpapi:FuzzParseLastEventID:15000 internal/chat:FuzzDecodeCursor:20000 internal/sse:FuzzEncode:3000 \
	internal/eventlog:FuzzMarshalWritesWhatEncodingJSONWrites:20000

fuzz: ## fuzz the JWT, upload, Last-Event-ID, cursor and event-encoding paths
	@for target in $(FUZZ_TARGETS); do \
		IFS=: read -r pkg name count <<< "$$target"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime "$${count}x" ./$$pkg || exit 1; \
	done

test-web: $(NPM_OK) ## web type check and unit tests
	npm run --silent typecheck:web
	npm run --silent test:web

test-e2e: build ## the web UI in headless Debian Chromium against a real server and PostgreSQL
	npm run --silent test:e2e

test-partners: build ## clients from two other TypeScript generators (hey-api, orval), type-checked strict, against a real server
	npm run --silent test:partners

screenshots: build ## refresh the README's screenshots (docs/screenshots/) from the browser tests
	UPDATE_SCREENSHOTS=1 npm run --silent test:e2e

bench: build ## the load benchmark (bin/bench.json) and the Go micro-benchmarks; figures in the README
	$(GO) run ./cmd/orderchat-bench --server $(BIN) --json bin/bench.json
	$(GO) test -run '^$$' -bench . -skip Replay -benchtime 2000x ./internal/...
	$(GO) test -run '^$$' -bench Replay -benchtime 50x ./internal/httpapi

bench-smoke: build ## the load generator with tiny numbers: it fails when any event is lost (figures meaningless)
	$(GO) run ./cmd/orderchat-bench --smoke --server $(BIN) --json bin/bench-smoke.json > /dev/null

# Mercure (the peer of `make bench-peers`) at the release pinned in tools/mercure/go.mod, its own
# module so that its dependencies never enter ours; its source stays in the module cache.
MERCURE := bin/mercure-bench
$(MERCURE): tools/mercure/go.mod tools/mercure/go.sum tools/mercure/main.go
	$(GO) -C tools/mercure build -o $(CURDIR)/$(MERCURE) .

# PEERS_FLAGS shrinks a run, e.g. PEERS_FLAGS='--peer-subscribers 1000 --peer-rounds 1 --peer-for 10s'.
bench-peers: build $(MERCURE) ## orderchat and Mercure-Bolt alternately under the same load: ratios into the peers section of bin/bench.json
	$(GO) run ./cmd/orderchat-bench --peers --server $(BIN) --mercure $(MERCURE) --json bin/bench.json $(PEERS_FLAGS)

clean: ## remove build outputs (keeps .data/)
	rm -rf bin web/dist/assets web/dist/*.html
