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


# ---- 2. an expected flow is never handed to an older session ----

FTP_CLI, FTP_SRV = "100.64.0.10", "192.0.2.21"


def ftp_port_cmd(port):
    return ("PORT %s,%d,%d\r\n" % (FTP_CLI.replace(".", ","), port >> 8,
                                   port & 0xff)).encode()


def ftp_reuse_capture(second_syn_to=None):
    """Two active-mode transfers to the client's data port 40000, the first
    data connection closed both ways (TIME_WAIT) when the second PORT comes.
    second_syn_to: the public endpoint the server's second SYN goes to."""
    from test_alg_ftp import Conv
    f = Frames()
    ctl = Conv(f, cport=21000, cli=FTP_CLI, srv=FTP_SRV)
    ctl.c(ftp_port_cmd(40000))
    ctl.s(b"200 PORT ok\r\n")
    # first data connection, addressed as the server saw the PORT
    d = dict(sseq=7000, cseq=9000)
    f.add(tcp(FTP_SRV, 20, FTP_CLI, 40000, "S", seq=d["sseq"]))
    f.add(tcp(FTP_CLI, 40000, FTP_SRV, 20, "SA", seq=d["cseq"], ack=d["sseq"] + 1))
    f.add(tcp(FTP_SRV, 20, FTP_CLI, 40000, "FA", "file one",
              seq=d["sseq"] + 1, ack=d["cseq"] + 1))
    f.add(tcp(FTP_CLI, 40000, FTP_SRV, 20, "FA", seq=d["cseq"] + 1,
              ack=d["sseq"] + 10))
    f.add(tcp(FTP_SRV, 20, FTP_CLI, 40000, "A", seq=d["sseq"] + 10,
              ack=d["cseq"] + 2))
    ctl.s(b"226 done\r\n")
    ctl.c(ftp_port_cmd(40000))
    ctl.s(b"200 PORT ok\r\n")
    if second_syn_to is not None:
        addr, port = second_syn_to
        f.add(IP(src=FTP_SRV, dst=addr) / TCP(sport=20, dport=port, flags="S",
                                              seq=8000))
        f.add(tcp(FTP_CLI, 40000, FTP_SRV, 20, "SA", seq=9500, ack=8001))
        f.add(tcp(FTP_SRV, 20, FTP_CLI, 40000, "PA", "file two", seq=8001,
                  ack=9501))
    return f


def ftp_ports_advertised(r):
    """(address, port) of every PORT command as it left cgnat."""
    got = []
    for p in r.carrying(b"PORT "):
        if p[IP].dst != FTP_SRV:
            continue
        arg = bytes(p[Raw].load).split(b" ")[1].strip().split(b",")
        got.append((".".join(x.decode() for x in arg[:4]),
                    int(arg[4]) * 256 + int(arg[5])))
    return got


def test_second_data_connection_gets_its_own_session():
    # The replay is deterministic: learn where the second PORT points ...
    first, second = ftp_ports_advertised(replay(ftp_reuse_capture()))
    assert first[1] != second[1]
    # ... then have the server connect there, as a real one would.
    f = ftp_reuse_capture(second_syn_to=second)
    late = f.t + 8000
    for k in range(3):      # let everything expire, one sweep each
        f.add(udp("192.0.2.99", 9, "203.0.113.1", 9, "tick %d" % k),
              at=late + 200 * k)
    r = replay(f)
    syn = [p for p in r.out if TCP in p and p[TCP].flags == "S" and
           p[IP].dst == FTP_CLI and p[TCP].seq == 8000]
    assert len(syn) == 1 and syn[0][TCP].dport == 40000
    assert checksums_ok(syn[0])
    # the client's answer leaves from the port its second PORT advertised
    synack = [p for p in r.out if TCP in p and p[TCP].flags == "SA" and
              p[TCP].ack == 8001]
    assert len(synack) == 1
    assert (synack[0][IP].src, synack[0][TCP].sport) == second
    assert checksums_ok(synack[0])
    assert r.carrying("file two")[0][TCP].dport == 40000
    # the reserved port was not leaked: nothing is held once all expired
    s = r.summary["dataplane"]["sessions"]
    assert (s["live"], s["mappings"], s["port_blocks"], s["pinholes"]) == (0, 0, 0, 0)


def test_live_session_keeps_its_flow():
    """The first data connection still open: the second SYN is refused and
    the pinhole's port given back, never translated through the old one."""
    f = Frames()
    from test_alg_ftp import Conv
    ctl = Conv(f, cport=21000, cli=FTP_CLI, srv=FTP_SRV)
    ctl.c(ftp_port_cmd(40000))
    f.add(tcp(FTP_SRV, 20, FTP_CLI, 40000, "S", seq=7000))
    f.add(tcp(FTP_CLI, 40000, FTP_SRV, 20, "SA", seq=9000, ack=7001))
    f.add(tcp(FTP_SRV, 20, FTP_CLI, 40000, "A", seq=7001, ack=9001))
    ctl.c(ftp_port_cmd(40000))
    first, second = ftp_ports_advertised(replay(f))
    f.add(IP(src=FTP_SRV, dst=second[0]) / TCP(sport=20, dport=second[1],
                                               flags="S", seq=8000))
    r = replay(f)
    assert r.drops("expect_conflict") == 1
    assert not [p for p in r.out if TCP in p and p[TCP].seq == 8000]


# ---- 3. the ALG state pool cannot be exhausted by one subscriber ----

def test_syn_flood_does_not_starve_another_subscribers_alg():
    from test_alg_ftp import Conv
    f = Frames()
    # A: 64 bare SYNs to port 21 of hosts that never answer (a pool of 64)
    for k in range(64):
        f.add(tcp(A, 30000 + k, "192.0.2.%d" % (100 + k), 21, "S"))
    # A: 12 control connections a server of A's answers; A's share is 8
    for k in range(12):
        Conv(f, cport=31000 + k, cli=A, srv="192.0.2.30")
    # B: an ordinary active-mode FTP session
    b = Conv(f, cport=32000, cli=B, srv=FTP_SRV)
    b.c(("PORT %s,156,64\r\n" % B.replace(".", ",")).encode())
    conf = config(nat_extra="  max_pinholes: 64").replace(
        "ftp: {enabled: true, ports: [21]}",
        "ftp: {enabled: true, ports: [21], max_sessions_per_subscriber: 8}")
    assert "max_sessions_per_subscriber: 8" in conf
    r = replay(f, conf)
    # nothing left with B's private address in it
    assert not r.carrying(B.replace(".", ",").encode())
    port = [p for p in r.carrying(b"PORT ") if p[IP].dst == FTP_SRV]
    assert len(port) == 1 and bytes(port[0][Raw].load).startswith(
        b"PORT " + POOL.replace(".", ",").encode())
    c = r.summary["dataplane"]["alg"]["residential/ftp"]
    assert c["rewritten"] == 1 and c["pinholes_opened"] == 1
    # A's four control connections over its share were not set up: their
    # SYN-ACKs were refused (the servers retransmit), never run unaided
    assert c["no_state"] == 4 and r.drops("alg_no_state") == 4
    synacks = [p for p in r.out if TCP in p and p[TCP].flags == "SA" and
               p[IP].dst == A]
    assert len(synacks) == 8


def test_port_that_cannot_be_rewritten_is_not_sent():
    """Over the subscriber's pinhole cap the PORT cannot be rewritten: it
    is refused (the client retransmits) instead of leaking the address."""
    from test_alg_ftp import Conv
    f = Frames()
    ctl = Conv(f, cport=33000, cli=B, srv=FTP_SRV)
    for k in range(3):
        ctl.c(("PORT %s,156,%d\r\n" % (B.replace(".", ","), 64 + k)).encode())
    pol = "    ftp: {enabled: true, ports: [21], max_pinholes_per_subscriber: 2}\n"
    conf = config().replace("    ftp: {enabled: true, ports: [21]}\n", pol)
    assert pol in conf
    r = replay(f, conf)
    assert not r.carrying(B.replace(".", ",").encode())
    assert len([p for p in r.carrying(b"PORT ") if p[IP].dst == FTP_SRV]) == 2
    c = r.summary["dataplane"]["alg"]["residential/ftp"]
    assert c["refused"] == 1 and r.drops("alg_unrewritable") == 1
