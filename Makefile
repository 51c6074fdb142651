# FluxForge top-level targets. Each drives CMake in its own build folder:
#   build/        optimized library and CLI (build/fluxforge)
#   build-test/   AddressSanitizer + UndefinedBehaviorSanitizer, what `make test` runs
#   build-tsan/   ThreadSanitizer, for the tests that run several threads (TSAN_TESTS)
#   build-fuzz/   clang + libFuzzer targets
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
FUZZ_SECONDS ?= 600
# The tests whose commands run workers, footer threads, planning threads or rival processes:
# under ThreadSanitizer a data race fails them.
TSAN_TESTS ?= ^(test_ops_cli|test_compact_repartition|test_partition_locks|test_concurrent_readers|test_footer_threads|test_dataset_locks|test_ops_helpers|test_ops_scan)$$

.PHONY: all deps install test demo bench fuzz format clean

all:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DFF_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build build -j $(JOBS)

deps:
	bash scripts/install-deps.sh

install: all
	cmake --install build

test: deps
	cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DFF_SANITIZE=ON >/dev/null
	cmake --build build-test -j $(JOBS)
	cd tests/interop && npm ci --no-audit --no-fund --loglevel=error
	cd build-test && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DFF_SANITIZE_THREAD=ON >/dev/null
	cmake --build build-tsan -j $(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -R '$(TSAN_TESTS)'

demo: deps all
	bash scripts/demo.sh

bench: deps all
	bash bench/run.sh

fuzz: deps
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFF_FUZZ=ON >/dev/null
	cmake --build build-fuzz -j $(JOBS)
	bash scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

format:
	find src include tests fuzz -name '*.[ch]' | xargs clang-format -i

clean:
	rm -rf build build-test build-tsan build-fuzz
