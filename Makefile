# SPDX-License-Identifier: BSD-3-Clause
# The two commands a newcomer needs: `make run` and `make test`.

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
BUILD_BENCH ?= build-release
BUILD_DEB  ?= build-deb
FUZZ_SECONDS ?= 300
SOAK_SECONDS ?= 1800

.PHONY: all setup build build-asan build-fuzz run test unit unit-asan \
	traffic e2e fuzz fuzz-smoke bench bench-smoke bench-lab soak soak-smoke \
	deb package-test clean

all: build

setup:
	@sh scripts/setup.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: setup $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debug

build-asan: setup $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)

$(BUILD_FUZZ)/build.ninja:
	CC=clang meson setup $(BUILD_FUZZ) -Dfuzz=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link

build-fuzz: setup $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ)

# Replay the bundled sample capture through the real dataplane.
run: build
	tools/pcap-replay/pcap-replay -c conf/sample.yaml \
		-r conf/sample.pcap -w $(BUILD)/sample-out.pcap

unit: build
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

unit-asan: build-asan
	meson test -C $(BUILD_ASAN) --print-errorlogs --num-processes 2

traffic: build
	sh tests/traffic/run.sh $(BUILD)

e2e: build
	sh tests/e2e/run.sh $(BUILD)

# The committed corpus (tests/fuzz/corpus/) is read, never written, here;
# `make fuzz` minimises what it finds into it.
fuzz-smoke: build-fuzz
	sh tests/fuzz/run.sh $(BUILD_FUZZ) 5

fuzz: build-fuzz
	sh tests/fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_SECONDS) --merge

# Long runs in the namespace lab with churning traffic (tests/soak/), in a
# lab of their own (CGN_LAB_PREFIX, default soak) beside any e2e run.
soak: build
	/usr/bin/python3 tests/soak/soak.py --build $(BUILD) --seconds $(SOAK_SECONDS)

soak-smoke: build
	/usr/bin/python3 tests/soak/soak.py --build $(BUILD) --seconds 120

bench-smoke: build
	sh bench/run.sh $(BUILD) --smoke
	/usr/bin/python3 bench/lab/labbench.py --smoke --build $(BUILD)

# Figures come from an -O3 build of their own, not the -O2 -g test build.
$(BUILD_BENCH)/build.ninja:
	meson setup $(BUILD_BENCH) -Dbuildtype=release

bench: setup $(BUILD_BENCH)/build.ninja
	ninja -C $(BUILD_BENCH)
	sh bench/run.sh $(BUILD_BENCH)

# cgnat (af_xdp, af_packet) and Linux's nftables NAT on the same veths of
# the namespace lab, trafgen and a C TCP client as senders (bench/lab/).
bench-lab: build
	/usr/bin/python3 bench/lab/labbench.py --build $(BUILD) \
		--json $(BUILD)/bench-lab.json

# The Debian package, built from a copy of the tree into $(BUILD_DEB)/.
deb: setup
	sh scripts/build-deb.sh $(BUILD_DEB)

# Builds the package, installs it into a fresh Debian 12 root and runs the
# service there under systemd (tests/package/).
package-test: deb
	/usr/bin/python3 tests/package/test_package.py --deb-dir $(BUILD_DEB)

# Everything `make test` runs, with one summary line at the end.
test: setup
	sh tests/run-all.sh

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_BENCH) $(BUILD_DEB)
