# The two commands of the README, and a few more for developers.
#   make run    build, then start telnyx-mock with its embedded default config and a short demo
#   make test   build and run every test suite (unit, integration, contract)
# Both install missing Debian packages first (scripts/deps.sh).

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps build run test test-sanitize fuzz-smoke bench image image-smoke clean

all: build

deps:
	@bash scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@bash scripts/demo.sh $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 300

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DHARNESS_SANITIZE=ON -DHARNESS_BUILD_BENCH=OFF $(CMAKE_ARGS)

test-sanitize: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 600 -LE no-sanitize

# 30 s of each libFuzzer target from the seed corpora (clang, ASan + UBSan, build-fuzz/).
fuzz-smoke: deps
	bash scripts/fuzz.sh 30

# The OCI image telnyx-harness:latest (buildah, offline, FROM scratch; docs/recipes.md) and its
# smoke test (podman: starts, answers a send, delivers webhooks to the host).
image: build
	@bash scripts/deps.sh image
	bash scripts/image.sh $(BUILD)

image-smoke: image
	bash scripts/image-smoke.sh $(BUILD)

bench: build
	@for b in $(BUILD)/bench/bench_*; do [ -x "$$b" ] && "$$b"; done

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
