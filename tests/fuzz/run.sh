#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run every libFuzzer target for a bounded time each.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS
# Corpora live in tests/fuzz/corpus-<target>/ (kept out of git); seeds, when
# a target has them, in tests/fuzz/seeds/<target>/.
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/${1:-build-fuzz}"
secs="${2:-10}"
fail=0
n=0
for t in $(find "$build/tests/fuzz" -type f -name 'fuzz_*' -perm -u+x | sort); do
	name=$(basename "$t")
	corpus="$root/tests/fuzz/corpus-$name"
	mkdir -p "$corpus"
	seeds=""
	[ -d "$root/tests/fuzz/seeds/$name" ] && seeds="$root/tests/fuzz/seeds/$name"
	n=$((n + 1))
	echo "fuzz: $name for ${secs}s"
	# shellcheck disable=SC2086
	if ! (cd "$build" && "$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=4096 -print_final_stats=0 "$corpus" $seeds \
		>"$build/$name.log" 2>&1); then
		echo "fuzz: $name FAILED, see $build/$name.log"
		tail -40 "$build/$name.log"
		fail=$((fail + 1))
	fi
done
echo "fuzz: $n targets, $fail failed"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
