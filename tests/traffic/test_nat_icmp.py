# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""ICMP through the real binary (RFC 5508, RFC 5382 REQ-9): errors from
outside routers about a subscriber's translated packets reach the
subscriber with the quoted packet put back exactly as the subscriber sent
it (addresses, ports or identifier, both checksums); an error about no
session is dropped; echo identifiers are translated and back."""

import ipaddress

import pytest

from cgnlib import (Frames, replay, config, checksums_ok, quote_checksums_ok,
                    udp, tcp, IP, ICMP, UDP)
from scapy.layers.inet import IPerror

A, R1, R2 = "100.64.0.10", "192.0.2.80", "192.0.2.81"
ROUTER = "192.0.2.1"
POOL = ipaddress.ip_network("203.0.113.0/28")
TIME_EXCEEDED, UNREACH, PORT_UNREACH = 11, 3, 3
# name: (packet the subscriber sent, error type, code, sender, quoted bytes
#        (0: all of it))
ERRORS = {
    "time-exceeded-udp": (udp(A, 5000, R1, 7777, "te-udp"),
                          TIME_EXCEEDED, 0, ROUTER, 0),
    "time-exceeded-tcp-8-bytes": (tcp(A, 6000, R1, 80, "S", "te-tcp"),
                                  TIME_EXCEEDED, 0, ROUTER, 28),
    "time-exceeded-echo": (IP(src=A, dst=R1) / ICMP(id=0x4321) / b"te-echo",
                           TIME_EXCEEDED, 0, ROUTER, 0),
    "port-unreachable-udp-8-bytes": (udp(A, 5001, R2, 9999, "pu-udp"),
                                     UNREACH, PORT_UNREACH, R2, 28),
    "port-unreachable-tcp": (tcp(A, 6001, R2, 81, "S"),
                             UNREACH, PORT_UNREACH, R2, 0),
}


def as_forwarded(pkt):
    """pkt as it left cgnat before translation: TTL one less."""
    p = IP(bytes(pkt))
    p.ttl -= 1
    p.chksum = None
    return bytes(p)


def quote(pkt, n):
    raw = as_forwarded(pkt)
    return raw[:n] if n else raw


@pytest.fixture(scope="module")
def icmp_replay():
    f = Frames()
    for sent, typ, code, sender, n in ERRORS.values():
        f.add(sent)
        f.add(IP(src=sender, dst=A) / ICMP(type=typ, code=code) / quote(sent, n))
    # An error about a flow nobody has.
    ghost = udp("203.0.113.9", 40000, R1, 7777, "ghost")
    f.add(IP(src=ROUTER, dst="203.0.113.9") / ICMP(type=UNREACH, code=1) / bytes(ghost))
    # Echo out and back; the subscriber's own error about an inbound packet.
    f.add(IP(src=A, dst=R1) / ICMP(id=0x1234, seq=7) / b"echo-request")
    f.add(IP(src=R1, dst=A) / ICMP(type=0, id=0x1234, seq=7) / b"echo-reply")
    inbound = udp(R1, 7777, A, 5000, "inbound")
    f.add(inbound)
    f.add(IP(src=A, dst=R1) / ICMP(type=UNREACH, code=PORT_UNREACH) / bytes(inbound))
    return replay(f, config())


def errors_out(r):
    return [p for p in r.out if ICMP in p and p[ICMP].type in (3, 11)]


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_from_outside_translated(icmp_replay, name):
    sent, typ, code, sender, n = ERRORS[name]
    want = quote(sent, n)
    got = [p for p in errors_out(icmp_replay) if p[IP].dst == A and
           bytes(p[IPerror])[:n or len(want)] == want]
    assert len(got) == 1, "no error delivered with the original quote"
    p = got[0]
    assert (p[IP].src, p[ICMP].type, p[ICMP].code) == (sender, typ, code)
    assert len(bytes(p[IPerror])) == len(want)
    assert checksums_ok(p) and quote_checksums_ok(p)


def test_error_without_session_dropped(icmp_replay):
    assert icmp_replay.drops("icmp_error_no_session") == 1
    assert icmp_replay.carrying("ghost") == []


def test_echo_identifier_translated_and_back(icmp_replay):
    req, rep = icmp_replay.one("echo-request"), icmp_replay.one("echo-reply")
    assert ipaddress.ip_address(req[IP].src) in POOL and req[IP].dst == R1
    assert 1024 <= req[ICMP].id <= 65535 and req[ICMP].seq == 7
    assert (rep[IP].src, rep[IP].dst, rep[ICMP].id, rep[ICMP].seq) == (R1, A, 0x1234, 7)
    assert checksums_ok(req) and checksums_ok(rep)


def plain(r, tag):
    """The output packet carrying tag that is not an ICMP error quoting it."""
    got = [p for p in r.carrying(tag) if ICMP not in p]
    assert len(got) == 1
    return got[0]


def test_error_from_subscriber_translated(icmp_replay):
    back, ext = plain(icmp_replay, "inbound"), plain(icmp_replay, "te-udp")
    assert (back[IP].dst, back[UDP].dport) == (A, 5000)
    err = [p for p in errors_out(icmp_replay) if p[IP].dst == R1]
    assert len(err) == 1
    p = err[0]
    # Outer source and the quoted destination become the external endpoint.
    assert p[IP].src == ext[IP].src
    assert (p[IPerror].src, p[IPerror].dst) == (R1, ext[IP].src)
    assert (p["UDPerror"].sport, p["UDPerror"].dport) == (7777, ext[UDP].sport)
    assert checksums_ok(p) and quote_checksums_ok(p)
