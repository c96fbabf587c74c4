# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Crafted packets an attacker would send, through the real binary. Each
test is one defect an adversarial review found (issue 13): it failed
before the fix and passes after. What must hold is what a victim would
see on the wire: no packet of theirs translated for someone else, no ICMP
reflected at a network, no malformed header forwarded."""

import pytest

from cgnlib import Frames, replay, config, checksums_ok, udp, tcp, IP, ICMP, UDP, TCP, Raw
from scapy.layers.inet import IPerror

A, B = "100.64.0.11", "100.64.0.12"
SRV, OTHER = "192.0.2.80", "192.0.2.200"
ROUTER = "10.255.0.1"          # an inside router (a BNG), not a subscriber
FRAG_NEEDED = (3, 4)
POOL = "203.0.113."


def frag_needed(src, dst, quoted, mtu=68):
    """ICMP Fragmentation Needed from src to dst quoting the packet quoted."""
    return (IP(src=src, dst=dst) /
            ICMP(type=FRAG_NEEDED[0], code=FRAG_NEEDED[1], nexthopmtu=mtu) /
            bytes(quoted)[:28])


# ---- 1. ICMP errors from inside are tied to the quoted session's sender ----

@pytest.fixture(scope="module")
def inside_errors():
    f = Frames()
    # B talks to the server; what B receives is what an error would quote.
    f.add(tcp(B, 40000, SRV, 443, "S", seq=1000))
    syn_ack = tcp(SRV, 443, B, 40000, "SA", seq=5000, ack=1001)
    f.add(syn_ack)
    seen_by_b = IP(bytes(syn_ack))
    seen_by_b.ttl -= 1
    seen_by_b.chksum = None
    seen_by_b = IP(bytes(seen_by_b))
    # A forges errors about B's connection: toward the server, elsewhere.
    f.add(frag_needed(A, SRV, seen_by_b))
    f.add(frag_needed(A, OTHER, seen_by_b))
    # B's own error, but sent to a third party instead of the quoted source.
    f.add(frag_needed(B, OTHER, seen_by_b, mtu=1280))
    # B's own error to the server: the legitimate case.
    f.add(frag_needed(B, SRV, seen_by_b, mtu=1400))
    # A router the operator lists (a BNG reporting its access MTU).
    f.add(frag_needed(ROUTER, SRV, seen_by_b, mtu=1492))
    conf = config(nat_extra="  icmp_error_sources: [10.255.0.0/24]")
    return replay(f, conf)


def icmp_out(r):
    return [p for p in r.out if ICMP in p and p[ICMP].type == 3 and
            p[IP].src.startswith(POOL)]


def test_forged_inside_errors_dropped(inside_errors):
    mtus = sorted(p[ICMP].nexthopmtu for p in icmp_out(inside_errors))
    # only B's own error to the server and the listed router's left
    assert mtus == [1400, 1492]
    assert inside_errors.drops("icmp_error_spoofed") == 3


def test_genuine_inside_errors_translated(inside_errors):
    for p in icmp_out(inside_errors):
        assert p[IP].dst == SRV
        q = p[IPerror]
        assert q.src == SRV and q.dst.startswith(POOL)
        assert checksums_ok(p)


def test_router_errors_need_the_config():
    f = Frames()
    f.add(udp(B, 5000, SRV, 53, "q"))
    quoted = IP(bytes(udp(SRV, 53, B, 5000, "r")))
    f.add(frag_needed(ROUTER, SRV, quoted))
    conf = config(nat_extra="  icmp_error_sources: [10.255.0.0/24]")
    assert len(icmp_out(replay(f, conf))) == 1
    # Without the key the router's error enters outside (not a subscriber,
    # not a listed router) and is not ours to translate.
    r = replay(f, config())
    assert icmp_out(r) == []


# ---- 4. fragments ending past byte 65535 ----

def test_fragment_past_65535_dropped():
    f = Frames()
    f.add(udp(A, 5000, SRV, 7777, "first"))
    # offset 8189 * 8 = 65512, 100 bytes of data: ends at 65612
    f.add(IP(src=A, dst=SRV, proto=17, id=77, frag=8189) / Raw(b"x" * 100))
    f.add(IP(src=SRV, dst=A, proto=17, id=78, frag=8189) / Raw(b"y" * 100))
    # the last fragment that still fits: ends at 65515 of 65535
    f.add(IP(src=A, dst=SRV, proto=17, id=79, frag=8189) / Raw(b"z" * 3))
    r = replay(f, config())
    assert r.drops("fragment_oversize") == 2
    assert not r.carrying(b"x" * 100) and not r.carrying(b"y" * 100)


# ---- 5. ICMP toward sources it must never answer ----

BAD_SOURCES = ["198.51.100.255", "255.255.255.255", "224.0.0.1", "240.0.0.1",
               "127.0.0.1", "0.1.2.3", "198.51.100.1"]


def test_no_icmp_to_sources_that_name_no_host():
    f = Frames()
    f.add(udp(A, 5000, SRV, 7777, "open"))
    for src in BAD_SOURCES:
        # TTL 1 toward a pool address: would earn a Time Exceeded
        f.add(udp(src, 7777, "203.0.113.1", 1024, "ttl " + src, ttl=1))
        # an echo request to the outside interface: would earn a reply
        f.add(IP(src=src, dst="198.51.100.1") / ICMP(id=1) / b"echo")
    r = replay(f, config())
    sent_icmp = [p for p in r.out if ICMP in p]
    assert sent_icmp == [], [p.summary() for p in sent_icmp]
    assert r.drops("martian_source") == 2 * len(BAD_SOURCES)
    # a real host still gets both
    f = Frames()
    f.add(udp("192.0.2.9", 7777, "203.0.113.1", 1024, "ttl", ttl=1))
    f.add(IP(src="192.0.2.9", dst="198.51.100.1") / ICMP(id=1) / b"echo")
    r = replay(f, config())
    assert sorted(p[ICMP].type for p in r.out if ICMP in p) == [0, 11]


# ---- 7. malformed L4 headers ----

def test_udp_length_past_the_datagram_dropped():
    f = Frames()
    f.add(IP(src=A, dst=SRV) / UDP(sport=5000, dport=7777, len=4000) / b"short")
    f.add(IP(src=A, dst=SRV) / UDP(sport=5001, dport=7777, len=7) / b"tiny")
    f.add(IP(src=A, dst=SRV) / UDP(sport=5002, dport=7777) / b"fine")
    r = replay(f, config())
    assert r.drops("bad_udp_length") == 2
    assert [p[UDP].sport for p in r.out if UDP in p] != []
    assert r.carrying("fine") and not r.carrying("short")
    assert r.summary["dataplane"]["sessions"]["created"] == 1


def test_tcp_data_offset_past_the_segment_dropped():
    f = Frames()
    # data offset 15 words (60 bytes) on a 20-byte header, no payload
    f.add(IP(src=A, dst=SRV) / TCP(sport=6000, dport=80, flags="S", dataofs=15))
    # data offset below the minimum header
    f.add(IP(src=A, dst=SRV) / TCP(sport=6001, dport=80, flags="S", dataofs=4))
    f.add(IP(src=A, dst=SRV) / TCP(sport=6002, dport=80, flags="S"))
    r = replay(f, config())
    assert r.drops("bad_tcp_offset") == 2
    assert [p[TCP].sport for p in r.out if TCP in p] != [6000, 6001]
    assert r.summary["dataplane"]["sessions"]["created"] == 1
