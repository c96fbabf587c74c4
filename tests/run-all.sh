#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Everything `make test` runs. Each suite runs even when an earlier one
# failed; the last line sums them up.
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
failed_names=""

step() {
	name=$1
	shift
	echo "=== $name"
	if "$@"; then
		passed=$((passed + 1))
		echo "=== $name: ok"
	else
		failed=$((failed + 1))
		failed_names="$failed_names $name"
		echo "=== $name: FAILED"
	fi
}

if ! make build; then
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
step unit make unit
step unit-asan make unit-asan
step run make run
step traffic make traffic
step e2e make e2e
step soak-smoke make soak-smoke
step fuzz-smoke make fuzz-smoke
step bench-smoke make bench-smoke
step package make package-test

[ -n "$failed_names" ] && echo "failed suites:$failed_names"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
