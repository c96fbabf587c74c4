#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run cgnat-bench with EAL arguments that work without NICs.
#
#   sh bench/run.sh BUILD_DIR [--smoke] [bench options...]
#
# --smoke: 4 Ki sessions, one run, a few seconds, --no-huge (part of
# `make test`). Otherwise the full carrier sizes (64 Ki .. 16 Mi sessions)
# with a heap sized from the memory available, at most 20 GiB: on 2 MiB
# hugepages reserved for the run when root (BENCH_HUGE=0: never), else on
# --no-huge 4 KiB pages.
# Results: the table on stdout and BUILD_DIR/bench.json.
#
# BENCH_EAL="..." replaces the memory arguments, e.g.
# BENCH_EAL="--socket-mem 16384 --huge-unlink" sh bench/run.sh build
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
if [ "$ncpu" -ge 2 ] && [ "${BENCH_LANES:-2}" -ge 2 ]; then
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

# Hugepages, as in production: with 4 KiB pages every table access beyond
# a few MiB misses the TLB and the figures measure page walks. As root, a
# full run reserves 2 MiB pages for itself and gives them back at exit.
# BENCH_HUGE=0 keeps the --no-huge heap (what the smoke run always uses).
huge_prev=""
huge_mnt=""
huge_mb=0
bench_pid=""
# Give back what huge_reserve took; each step on its own, never failing.
huge_release() {
	if [ -n "$huge_mnt" ]; then
		umount "$huge_mnt" 2>/dev/null || true
	fi
	if [ -n "$huge_prev" ]; then
		echo "$huge_prev" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
	fi
	huge_prev=""
	huge_mnt=""
}
# A signal stops the bench first: its pages cannot go back while it runs.
# shellcheck disable=SC2317  # called by the trap
on_signal() {
	if [ -n "$bench_pid" ]; then
		kill "$bench_pid" 2>/dev/null || true
		wait "$bench_pid" 2>/dev/null || true
	fi
	huge_release
	exit 130
}
trap huge_release EXIT
trap on_signal HUP INT TERM
huge_free_mb() {
	awk '/^HugePages_Free:/ { f = $2 } /^Hugepagesize:/ { s = $2 }
	     END { print int(f * s / 1024) }' /proc/meminfo
}
# Is a hugetlbfs of 2 MiB pages mounted (the default size, or pagesize=2M)?
huge_mounted() {
	awk '$3 == "hugetlbfs" && ($4 !~ /pagesize=/ || $4 ~ /pagesize=2M/) {
	     found = 1 } END { exit !found }' /proc/mounts
}
huge_reserve() {
	[ "$(id -u)" -eq 0 ] && [ -w /proc/sys/vm/nr_hugepages ] || return 1
	[ "$(awk '/^Hugepagesize:/ { print $2 }' /proc/meminfo)" = 2048 ] ||
		return 1
	# 16 Mi sessions need ~7.2 GiB of tables; more only fragments memory
	huge_mb=$mem
	[ "$huge_mb" -gt 12288 ] && huge_mb=12288
	huge_prev=$(cat /proc/sys/vm/nr_hugepages)
	# contiguous 2 MiB pages are easier to find after a compaction
	echo 1 >/proc/sys/vm/compact_memory 2>/dev/null || true
	echo $((huge_prev + huge_mb / 2)) >/proc/sys/vm/nr_hugepages \
		2>/dev/null || return 1
	if ! huge_mounted; then
		mkdir -p /dev/hugepages || return 1
		mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages ||
			return 1
		huge_mnt=/dev/hugepages
	fi
	[ "$(huge_free_mb)" -ge "$huge_mb" ]
}

if [ -n "${BENCH_EAL:-}" ]; then
	eal_mem=$BENCH_EAL
elif [ "$smoke" -eq 0 ] && [ "${BENCH_HUGE:-1}" != 0 ] && huge_reserve; then
	echo "bench: $(huge_free_mb) MiB of 2 MiB hugepages reserved" \
		"for this run" >&2
	eal_mem="-m $huge_mb --huge-unlink"
else
	if [ "$smoke" -eq 0 ] && [ "${BENCH_HUGE:-1}" != 0 ]; then
		echo "bench: no hugepages (not root, or not ${huge_mb} MiB" \
			"of them free); 4 KiB pages" >&2
	fi
	huge_release
	eal_mem="--no-huge -m $mem"
fi

# In the background, so that a signal to this script reaches the trap now.
# shellcheck disable=SC2086
"$bin" $eal_mem --no-pci --no-shconf --no-telemetry \
	--file-prefix=cgnat-bench --lcores="$lcores" \
	--log-level='lib.*:warning' --log-level='cgnat.*:notice' \
	-- --json "$build/bench.json" "$@" &
bench_pid=$!
rc=0
wait "$bench_pid" || rc=$?
bench_pid=""
exit "$rc"
