# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Resource limits through the real binary (RFC 6888 REQ-4, REQ-5,
REQ-11): port blocks per subscriber, sessions per subscriber and the
session table. Whatever is refused is dropped with its reason, nothing is
evicted, and flows that existed before the limit keep working both ways."""

import pytest

from cgnlib import (Frames, replay, config, checksums_ok, quote_checksums_ok,
                    udp, IP, UDP, ICMP)
from scapy.layers.inet import IPerror, UDPerror

BLOCK, BLOCKS, SESSIONS = 8, 2, 20
PORT_MIN = 1024
A = "100.64.0.10"        # opens more flows than its port blocks hold
B = "100.64.0.20"        # opens more sessions than it may have
R = "192.0.2.80"
A_PORTS = list(range(10000, 10000 + BLOCK * BLOCKS + 1))
B_REMOTES = ["192.0.2.%d" % (100 + i) for i in range(SESSIONS + 1)]


def check_old_flow_both_ways(r, sub, sport, rem, tag):
    """The flow (sub:sport <-> rem:7777) still translates: out and back."""
    first, out, back = (r.one("%s-%s" % (tag, x)) for x in ("first", "again", "back"))
    assert (out[IP].src, out[UDP].sport) == (first[IP].src, first[UDP].sport)
    assert (back[IP].dst, back[UDP].dport, back[IP].src) == (sub, sport, rem)
    assert all(checksums_ok(p) for p in (out, back))


def old_flow_again(f, sub, sport, rem, tag):
    f.add(udp(sub, sport, rem, 7777, tag + "-again"))
    f.add(udp(rem, 7777, sub, sport, tag + "-back"))


@pytest.fixture(scope="module")
def limits():
    f = Frames()
    for port in A_PORTS:
        f.add(udp(A, port, R, 7777, "a-%d-first" % port))
    for rem in B_REMOTES:
        f.add(udp(B, 7000, rem, 7777, "b-%s-first" % rem))
    # The same inside endpoint to a new remote needs no new port.
    f.add(udp(A, A_PORTS[0], B_REMOTES[-1], 7777, "a-eim"))
    old_flow_again(f, A, A_PORTS[0], R, "a-%d" % A_PORTS[0])
    old_flow_again(f, B, 7000, B_REMOTES[0], "b-%s" % B_REMOTES[0])
    conf = config(block_size=BLOCK, tenant_extra="    limits: {port_blocks: %d, sessions: %d}"
                  % (BLOCKS, SESSIONS))
    return replay(f, conf)


def test_port_blocks_then_ports_exhausted(limits):
    ports = [limits.one("a-%d-first" % port)[UDP].sport for port in A_PORTS[:-1]]
    assert limits.carrying("a-%d-first" % A_PORTS[-1]) == []
    assert limits.drops("ports_exhausted") == 1
    # Every port of exactly BLOCKS aligned blocks of BLOCK ports.
    blocks = sorted({(p - PORT_MIN) // BLOCK for p in ports})
    assert len(blocks) == BLOCKS
    assert sorted(ports) == [PORT_MIN + b * BLOCK + i
                             for b in blocks for i in range(BLOCK)]


def test_ports_exhausted_keeps_endpoint_independent_mapping(limits):
    eim = limits.one("a-eim")
    first = limits.one("a-%d-first" % A_PORTS[0])
    assert (eim[IP].src, eim[UDP].sport) == (first[IP].src, first[UDP].sport)


def test_subscriber_session_limit(limits):
    for rem in B_REMOTES[:-1]:
        assert limits.one("b-%s-first" % rem)[IP].dst == rem
    assert limits.carrying("b-%s-first" % B_REMOTES[-1]) == []
    assert limits.drops("subscriber_session_limit") == 1


@pytest.mark.parametrize("sub,sport,rem,tag", [
    (A, A_PORTS[0], R, "a-%d" % A_PORTS[0]),
    (B, 7000, B_REMOTES[0], "b-%s" % B_REMOTES[0]),
], ids=["after-ports-exhausted", "after-session-limit"])
def test_existing_flows_after_limit(limits, sub, sport, rem, tag):
    check_old_flow_both_ways(limits, sub, sport, rem, tag)


def test_session_table_full_existing_still_work():
    """A full table refuses the next session (with ICMP unreachable, as the
    config asks), and the flows it holds keep working."""
    n = 16
    f = Frames()
    subs = ["100.64.1.%d" % i for i in range(1, n + 2)]
    for sub in subs:
        f.add(udp(sub, 5000, R, 7777, "t-%s-first" % sub))
    old_flow_again(f, subs[0], 5000, R, "t-%s" % subs[0])
    r = replay(f, config(max_sessions=n, nat_extra="  limits: {sessions: %d}\n"
                         "  icmp_unreachable_on_limit: true" % n))
    assert all(len(r.carrying("t-%s-first" % s)) == 1 for s in subs[:n])
    assert r.drops("session_table_full") == 1
    assert r.summary["dataplane"]["sessions"]["live"] == n
    # The refused packet comes back quoted in an ICMP unreachable.
    err = r.one("t-%s-first" % subs[n])
    assert (err[IP].src, err[IP].dst) == ("100.64.0.1", subs[n])
    assert (err[ICMP].type, err[ICMP].code) == (3, 13)
    assert (err[IPerror].src, err[UDPerror].sport) == (subs[n], 5000)
    assert checksums_ok(err) and quote_checksums_ok(err)
    check_old_flow_both_ways(r, subs[0], 5000, R, "t-%s" % subs[0])
