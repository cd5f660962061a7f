# TechFlunky — the two commands a newcomer needs:
#   make run    build and open the terminal UI on the embedded sandbox marketplace
#   make test   build and run every test (what CI runs)
#   make fuzz   run each libFuzzer target for FUZZ_SECONDS (default 60); make schemathesis: the API against its contract
SWIFT ?= swift
# bash, for the recipes' `$$(…)` and `set -o pipefail` (scripts/run-suite pipes the suite through tee itself).
SHELL := /bin/bash

FUZZ_SECONDS ?= 60
SCHEMATHESIS_SECONDS ?= 120

.PHONY: test-assertions run test build release bootstrap spec contract contract-self-test bench clean fuzz schemathesis

# Where `make test` records the suite's Stripe and Cloudflare exchanges (fresh each run; `make contract`
# checks the last one again).
CONTRACT_DIR := .build/contract/last

bootstrap:
	@scripts/bootstrap

release: bootstrap
	$(SWIFT) build -c release --product techflunky

run: release
	.build/release/techflunky $(ARGS)

build: bootstrap
	$(SWIFT) build --product techflunky

spec: bootstrap
	@scripts/validate-openapi docs/openapi.yaml

# The contract check (scripts/check-contract): every exchange recorded during the tests is held to the
# vendors' OpenAPI documents (../shared/specs, else contract/vendor); a violation fails the run.
test: bootstrap spec contract-self-test test-assertions
	$(SWIFT) build --product techflunky
	$(SWIFT) build --build-tests
	rm -rf $(CONTRACT_DIR) && mkdir -p $(CONTRACT_DIR)
	TECHFLUNKY_CONTRACT_LOG=$(abspath $(CONTRACT_DIR)) SWIFT=$(SWIFT) scripts/run-suite $(CONTRACT_DIR)/suite.log
	@scripts/check-contract $(CONTRACT_DIR)
	@scripts/check-log-secrets $(CONTRACT_DIR)/suite.log

# Every test function asserts something (scripts/check-test-assertions); a figure belongs in `make bench`.
test-assertions:
	@scripts/check-test-assertions

contract:
	@scripts/check-contract --operations $(CONTRACT_DIR)

contract-self-test: bootstrap
	@scripts/check-contract --self-test --quiet

fuzz: bootstrap
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

schemathesis: bootstrap
	$(SWIFT) build --product techflunky
	SCHEMATHESIS_SECONDS=$(SCHEMATHESIS_SECONDS) scripts/schemathesis

bench:
	@scripts/bootstrap --bench
	@scripts/bench

clean:
	rm -rf .build .build-fuzz
