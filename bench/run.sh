#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run cgnat-bench with EAL arguments that work without hugepages or NICs.
#
#   sh bench/run.sh BUILD_DIR [--smoke] [bench options...]
#
# --smoke: 4 Ki sessions, one run, a few seconds (part of `make test`).
# Otherwise the full carrier sizes (64 Ki .. 16 Mi sessions); the EAL heap
# (-m) is sized from the memory available, at most 20 GiB.
# Results: the table on stdout and BUILD_DIR/bench.json.
#
# BENCH_EAL="..." replaces the memory arguments, e.g. on a box with
# hugepages: BENCH_EAL="--socket-mem 16384 --huge-unlink" sh bench/run.sh build
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [--smoke] [bench options]" >&2
	exit 2
fi
build=$1
shift
bin=$build/bench/cgnat-bench
if [ ! -x "$bin" ]; then
	echo "$bin not found: build first (ninja -C $build)" >&2
	exit 1
fi

smoke=0
for a in "$@"; do
	[ "$a" = "--smoke" ] && smoke=1
done

# Lane 0 on the main lcore (CPU 0), lane 1 on lcore 1 (CPU 1 if there is one).
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
if [ "$ncpu" -ge 2 ]; then
	lcores="0@0,1@1"
else
	lcores="0@0"
fi

if [ "$smoke" -eq 1 ]; then
	mem=1024
else
	# MemAvailable less 3 GiB for the flow tables (libc) and the system.
	avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
	mem=$((avail - 3072))
	[ "$mem" -gt 20480 ] && mem=20480
	if [ "$mem" -lt 2048 ]; then
		echo "only ${avail} MiB available; running with -m 2048" >&2
		mem=2048
	fi
fi
eal_mem=${BENCH_EAL:-"--no-huge -m $mem"}

# shellcheck disable=SC2086
exec "$bin" $eal_mem --no-pci --no-shconf --no-telemetry \
	--file-prefix=cgnat-bench --lcores="$lcores" \
	--log-level='lib.*:warning' --log-level='cgnat.*:notice' \
	-- --json "$build/bench.json" "$@"
