# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Regression cases: every folder under tests/regression holding
config.yaml, input.pcap and expected.pcap is replayed through cgnat and its
output compared with expected.pcap packet by packet, field by field."""

import os
import subprocess
import tempfile

import pytest

from cgnlib import REPLAY, CGNAT, ROOT

CASES_DIR = os.path.join(ROOT, "tests", "regression")


def cases():
    if not os.path.isdir(CASES_DIR):
        return []
    return sorted(d for d in os.listdir(CASES_DIR)
                  if os.path.isfile(os.path.join(CASES_DIR, d, "expected.pcap")))


def test_there_are_regression_cases():
    assert len(cases()) > 0


@pytest.mark.parametrize("case", cases())
def test_regression_case(case):
    d = os.path.join(CASES_DIR, case)
    out = os.path.join(tempfile.mkdtemp(prefix="cgn-reg-"), "out.pcap")
    p = subprocess.run([REPLAY, "-c", os.path.join(d, "config.yaml"),
                        "-r", os.path.join(d, "input.pcap"), "-w", out,
                        "--expect", os.path.join(d, "expected.pcap"),
                        "--cgnat", CGNAT],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
