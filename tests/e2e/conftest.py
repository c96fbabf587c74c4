# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Print the ALG results (and the SIP and RTSP figures) for cgnat and
Linux side by side."""

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
    sip_summary(terminalreporter)
    rtsp_summary(terminalreporter)
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


def sip_summary(tr):
    """test_sip.py's figures: RTP packets counted on the wire at each end
    of each call, SIPp's calls and the addresses its SDP arrived with."""
    import siplab
    if not siplab.FIGURES:
        return
    tr.write_sep("=", "SIP through cgnat and through Linux nftables "
                 "(RTP packets on the wire)")
    tr.write_line("%-18s %-13s %9s %9s %9s %9s" % (
        "case", "nat", "sub sent", "sub recv", "inet sent", "inet recv"))
    for f in siplab.FIGURES:
        if "sub_sent" in f:
            tr.write_line("%-18s %-13s %9d %9d %9d %9d" % (
                f["case"], f["nat"], f["sub_sent"], f["sub_received"],
                f["inet_sent"], f["inet_received"]))
        else:
            tr.write_line("%-18s %-13s %d of %d succeeded; SDP named %s" % (
                f["case"], f["nat"], f["successful"],
                f["successful"] + f["failed"],
                ", ".join(f["sdp_addresses"]) or "nothing"))


def rtsp_summary(tr):
    """test_rtsp.py's figures: per client, the RTP packets the server sent
    of its stream and those it received, counted on each end's wire."""
    import rtsplab
    if not rtsplab.FIGURES:
        return
    tr.write_sep("=", "RTSP through cgnat and through Linux nftables "
                 "(RTP packets on the wire)")
    tr.write_line("%-10s %-13s %6s %11s %11s %9s %6s" % (
        "case", "nat", "client", "server all", "its stream", "received",
        "SSRCs"))
    for f in rtsplab.FIGURES:
        tr.write_line("%-10s %-13s %6d %11d %11d %9d %6d" % (
            f["case"], f["nat"], f["client"], f["server_sent"], f["sent"],
            f["received"], f["ssrcs"]))
