#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Traffic tests: scapy-built captures and regression cases replayed through
# the real binary. Usage: tests/traffic/run.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")"
CGNAT_BUILD="$(cd ../.. && pwd)/${1:-build}"
export CGNAT_BUILD
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider .
