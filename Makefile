# TechFlunky — the two commands a newcomer needs:
#   make run    build and open the terminal UI on the embedded sandbox marketplace
#   make test   build and run every test (what CI runs)
SWIFT ?= swift

.PHONY: run test build release bootstrap spec bench clean

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

bench:
	@scripts/bootstrap --bench
	@scripts/bench

clean:
	rm -rf .build
