#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end tests in network namespaces. Usage: tests/e2e/run.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")"
CGNAT_BUILD="$(cd ../.. && pwd)/${1:-build}"
export CGNAT_BUILD
trap './lab.sh down' EXIT INT TERM
/usr/bin/python3 -m pytest -q -p no:cacheprovider .
