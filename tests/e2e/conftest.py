# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Print the ALG results for cgnat and Linux side by side."""

import re

_results = {}


def pytest_runtest_logreport(report):
    if report.when != "call" and not (report.when == "setup" and report.failed):
        return
    m = re.match(r".*test_alg\.py::(test_\w+)\[(.+)\]$", report.nodeid)
    if not m:
        return
    params = m.group(2).split("-")
    nat = params[0]
    case = m.group(1) + ("[" + "-".join(params[1:]) + "]" if params[1:] else "")
    _results.setdefault(case, {})[nat] = report.outcome


def pytest_terminal_summary(terminalreporter):
    if not _results:
        return
    tr = terminalreporter
    tr.write_sep("=", "ALG through cgnat and through Linux nftables")
    tr.write_line("%-36s %-8s %-8s %-8s" % ("case", "cgnat", "cgnat2w",
                                             "linux"))
    for case in sorted(_results):
        r = _results[case]
        tr.write_line("%-36s %-8s %-8s %-8s" % (case, r.get("cgnat", "-"),
                                                r.get("cgnat2w", "-"),
                                                r.get("linux", "-")))
