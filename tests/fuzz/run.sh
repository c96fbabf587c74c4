#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run every libFuzzer target for a bounded time each.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [--merge]
#
# Inputs per target: tests/fuzz/seeds/<target>/ (hand-written, never
# touched here) and tests/fuzz/corpus/<target>/ (what fuzzing found,
# committed). Both are read-only to the fuzzer: new inputs go to a scratch
# directory in BUILD_DIR. With --merge (make fuzz), the scratch finds and the
# committed corpus are minimised with -merge=1 against the seeds, and what
# adds coverage beyond the seeds replaces tests/fuzz/corpus/<target>/.
# Without it (make fuzz-smoke) the committed corpus stays as it is.
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/${1:-build-fuzz}"
secs="${2:-10}"
merge=0
[ "${3:-}" = "--merge" ] && merge=1
fail=0
n=0

# Minimise corpus/<name> plus the scratch finds against the seeds.
merge_corpus() {
	t=$1 name=$2 scratch=$3 seeds=$4 corpus=$5
	out="$build/fuzz-merge-$name"
	rm -rf "$out"
	mkdir -p "$out"
	# The seeds go in first so that only what they do not cover is kept.
	[ -n "$seeds" ] && cp "$seeds"/* "$out"/
	if ! (cd "$build" && "$t" -merge=1 -timeout=10 -rss_limit_mb=4096 \
		"$out" "$corpus" "$scratch" >"$build/$name.merge.log" 2>&1); then
		echo "fuzz: $name merge FAILED, see $build/$name.merge.log"
		tail -20 "$build/$name.merge.log"
		return 1
	fi
	[ -n "$seeds" ] && (cd "$seeds" && for f in *; do rm -f "$out/$f"; done)
	rm -rf "$corpus"
	mkdir -p "$corpus"
	cp "$out"/* "$corpus"/ 2>/dev/null || true
	rm -rf "$out"
	echo "fuzz: $name corpus: $(ls "$corpus" | wc -l) inputs," \
		"$(cat "$corpus"/* 2>/dev/null | wc -c) bytes"
}

for t in $(find "$build/tests/fuzz" -type f -name 'fuzz_*' -perm -u+x | sort); do
	name=$(basename "$t")
	corpus="$root/tests/fuzz/corpus/$name"
	scratch="$build/fuzz-scratch-$name"
	rm -rf "$scratch"
	mkdir -p "$corpus" "$scratch"
	seeds=""
	[ -d "$root/tests/fuzz/seeds/$name" ] && seeds="$root/tests/fuzz/seeds/$name"
	n=$((n + 1))
	echo "fuzz: $name for ${secs}s"
	# The first directory is the one libFuzzer writes to: the scratch one.
	# shellcheck disable=SC2086
	if ! (cd "$build" && "$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=4096 -print_final_stats=1 "$scratch" "$corpus" \
		$seeds >"$build/$name.log" 2>&1); then
		echo "fuzz: $name FAILED, see $build/$name.log"
		tail -40 "$build/$name.log"
		fail=$((fail + 1))
	fi
	grep -E '^stat::number_of_executed_units' "$build/$name.log" |
		sed "s/^/fuzz: $name /" || true
	if [ "$merge" -eq 1 ] &&
		! merge_corpus "$t" "$name" "$scratch" "$seeds" "$corpus"; then
		fail=$((fail + 1))
	fi
	rm -rf "$scratch"
done
echo "fuzz: $n targets, $fail failed"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
