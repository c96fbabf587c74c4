# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Idle timeouts and TCP close through the real binary (RFC 4787 REQ-5,
RFC 5382 REQ-5, RFC 5508 REQ-2, RFC 7857 §2). The replay clock follows the
capture's timestamps and expiry runs whenever it passes a second, so a
capture spanning half a minute runs in a second. Every flow is opened at
t=0; an inbound probe one second before its timeout is delivered, one
second after it is dropped (no session). A connection closed by FIN both
ways or by RST expires after the short time-wait timeout, long before an
established one."""

import pytest

from cgnlib import Frames, replay, config, udp, tcp, IP, ICMP

A, R = "100.64.0.10", "192.0.2.80"
TIMEOUTS = {"tcp_established": 30, "tcp_transitory": 10, "tcp_time_wait": 4,
            "udp": 12, "icmp": 6}
CONF = config(nat_extra="  timeouts: {%s}" % ", ".join(
    "%s: %d" % kv for kv in TIMEOUTS.items()))

# How each kind of flow is opened (and closed): (direction, flags) steps.
OPEN = {
    "syn": [("out", "S")],
    "established": [("out", "S"), ("in", "SA"), ("out", "A")],
    "fin": [("out", "S"), ("in", "SA"), ("out", "A"),
            ("out", "FA"), ("in", "FA"), ("out", "A")],
    "rst": [("out", "S"), ("in", "SA"), ("out", "A"), ("out", "R")],
}
# kind: timeout that applies once it is open
KINDS = {"udp": "udp", "icmp": "icmp", "syn": "tcp_transitory",
         "established": "tcp_established", "fin": "tcp_time_wait",
         "rst": "tcp_time_wait"}
FLOWS = [(kind, alive) for kind in KINDS for alive in (True, False)]


def flow_name(kind, alive):
    return "%s-%s" % (kind, "alive" if alive else "expired")


def open_flow(kind, port):
    """The packets opening a flow of this kind from A:port."""
    if kind == "udp":
        return [udp(A, port, R, 7777, "open")]
    if kind == "icmp":
        return [IP(src=A, dst=R) / ICMP(id=port) / b"open"]
    return [tcp(A, port, R, 80, flags) if d == "out" else tcp(R, 80, A, port, flags)
            for d, flags in OPEN[kind]]


def probe(kind, port, tag):
    """An inbound packet of the flow carrying tag."""
    if kind == "udp":
        return udp(R, 7777, A, port, tag)
    if kind == "icmp":
        return IP(src=R, dst=A) / ICMP(type=0, id=port) / tag.encode()
    return tcp(R, 80, A, port, "A", tag)


@pytest.fixture(scope="module")
def timed():
    events = []
    for i, (kind, alive) in enumerate(FLOWS):
        port = 5000 + i
        for j, pkt in enumerate(open_flow(kind, port)):
            events.append((i * 0.01 + j * 0.001, pkt))
        timeout = TIMEOUTS[KINDS[kind]]
        at = timeout - 1 if alive else timeout + 1
        events.append((at + 0.5, probe(kind, port, "probe-" + flow_name(kind, alive))))
    f = Frames()
    f.timeline(events)
    return replay(f, CONF)


@pytest.mark.parametrize("kind,alive", FLOWS, ids=[flow_name(*f) for f in FLOWS])
def test_inbound_after_idle_time(timed, kind, alive):
    got = timed.carrying("probe-" + flow_name(kind, alive))
    if alive:
        assert len(got) == 1 and got[0][IP].dst == A
    else:
        assert got == []


def test_expired_probes_are_no_session_drops(timed):
    assert timed.drops("no_session") == sum(1 for _, alive in FLOWS if not alive)
    assert timed.drops("filtered") == 0
    # At the end (t=31 s) only the established connection probed at 29 s,
    # which refreshed it, is left.
    sessions = timed.summary["dataplane"]["sessions"]
    assert sessions["live"] == 1
    assert sessions["expired"] == len(FLOWS) - 1
