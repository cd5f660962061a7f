# TechFlunky — the two commands a newcomer needs:
#   make run    build and open the terminal UI on the embedded sandbox marketplace
#   make test   build and run every test (what CI runs)
#   make fuzz   run each libFuzzer target for FUZZ_SECONDS (default 60); make schemathesis: the API against its contract
SWIFT ?= swift

FUZZ_SECONDS ?= 60
SCHEMATHESIS_SECONDS ?= 120

.PHONY: run test build release bootstrap spec bench clean fuzz schemathesis

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

test: bootstrap spec
	$(SWIFT) build --product techflunky
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

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
