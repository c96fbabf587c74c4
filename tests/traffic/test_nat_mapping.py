# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Mapping behaviour through the real binary: endpoint-independent mapping,
paired pooling, port parity and range, UDP zero checksum, hairpinning
(RFC 4787 REQ-1..4, 9; RFC 5382 REQ-1, 8; RFC 6888 REQ-2).

One capture holds every flow; each test reads its part of the output.
Hairpinning needs the external endpoints that capture produced, so its
capture is the same one plus the hairpinned packets: the replay seeds port
choice with a fixed value, so the same packets get the same ports again."""

import ipaddress

import pytest

from cgnlib import (Frames, replay, config, checksums_ok, header_checksum_ok,
                    reassemble, udp, tcp, ICMP, IP, UDP, TCP, Raw)

PORT_MIN, PORT_MAX = 40000, 49999
# TCP endpoint-independent filtering, so that a hairpinned SYN is admitted.
CONF = config(ports="%d-%d" % (PORT_MIN, PORT_MAX),
              nat_extra="  filtering: {tcp: endpoint-independent}")
POOL = ipaddress.ip_network("203.0.113.0/28")

A = "100.64.0.10"           # the subscriber most flows come from
B = "100.64.0.11"           # hairpin peer
OTHERS = ["100.64.0.%d" % i for i in range(11, 19)]
R1, R2 = "192.0.2.80", "192.0.2.81"
PARITY_PORTS = [5001, 5002, 5003, 5004, 53, 123, 1000, 1023]


def base_frames():
    f = Frames()
    # EIM: one inside endpoint, two remotes, UDP and TCP.
    for rem in (R1, R2):
        f.add(udp(A, 5000, rem, 7777, "eim-udp-" + rem))
        f.add(tcp(A, 6000, rem, 80, "S", "eim-tcp-" + rem))
    f.add(IP(src=A, dst=R1) / ICMP(id=77) / b"eim-icmp")
    # Parity and range: odd, even and well-known inside ports.
    for port in PARITY_PORTS:
        f.add(udp(A, port, R1, 7777, "parity-%d" % port))
    # Several subscribers: pairing spreads them over the pool.
    for sub in OTHERS:
        f.add(udp(sub, 5000, R1, 7777, "sub-" + sub))
    f.add(tcp(B, 6000, R1, 80, "S", "tcp-" + B))
    # UDP without a checksum, both ways.
    p = udp(A, 7000, R1, 53, "zero-out")
    p[UDP].chksum = 0
    f.add(p)
    p = udp(R1, 53, A, 7000, "zero-back")
    p[UDP].chksum = 0
    f.add(p)
    return f


@pytest.fixture(scope="module")
def base():
    return replay(base_frames(), CONF)


def ext_of(r, tag):
    p = r.one(tag)
    assert ipaddress.ip_address(p[IP].src) in POOL
    return p


@pytest.mark.parametrize("proto", [UDP, TCP])
def test_eim_same_external_endpoint_for_two_remotes(base, proto):
    name = "udp" if proto is UDP else "tcp"
    p1, p2 = (ext_of(base, "eim-%s-%s" % (name, rem)) for rem in (R1, R2))
    assert (p1[IP].src, p1[proto].sport) == (p2[IP].src, p2[proto].sport)
    assert (p1[IP].dst, p2[IP].dst) == (R1, R2)
    assert checksums_ok(p1) and checksums_ok(p2)


def test_paired_pooling_one_address_for_all_flows_of_a_subscriber(base):
    tags = ["eim-udp-" + R1, "eim-tcp-" + R2, "eim-icmp", "zero-out"]
    tags += ["parity-%d" % port for port in PARITY_PORTS]
    assert len({ext_of(base, t)[IP].src for t in tags}) == 1


def test_paired_pooling_spreads_subscribers(base):
    addrs = [ext_of(base, "sub-" + s)[IP].src for s in OTHERS]
    # Each subscriber keeps one address; together they use several.
    assert len(set(addrs)) >= len(OTHERS) // 2
    assert base.summary["dataplane"]["sessions"]["subscribers"] == 1 + len(OTHERS)


@pytest.mark.parametrize("port", PARITY_PORTS)
def test_udp_port_parity_and_pool_range(base, port):
    p = ext_of(base, "parity-%d" % port)
    assert p[UDP].sport % 2 == port % 2
    assert PORT_MIN <= p[UDP].sport <= PORT_MAX
    assert checksums_ok(p)


def test_no_port_below_range_start(base):
    ports = [p[UDP].sport for p in base.out
             if UDP in p and p[IP].src.startswith("203.0.113.")]
    ports += [p[TCP].sport for p in base.out if TCP in p]
    ports += [p[ICMP].id for p in base.out if ICMP in p]
    # EIM (2 UDP, 2 TCP), echo, parity, other subscribers, B's TCP, zero-out
    assert len(ports) == 4 + 1 + len(PARITY_PORTS) + len(OTHERS) + 1 + 1
    assert all(PORT_MIN <= x <= PORT_MAX for x in ports)


def test_udp_zero_checksum_stays_zero(base):
    out, back = base.one("zero-out"), base.one("zero-back")
    assert out[UDP].chksum == 0 and back[UDP].chksum == 0
    assert ipaddress.ip_address(out[IP].src) in POOL
    assert (back[IP].dst, back[UDP].dport) == (A, 7000)
    assert (back[IP].src, back[UDP].sport) == (R1, 53)
    assert checksums_ok(out) and checksums_ok(back)


# Hairpinning: (tag, layer, sender, its tag in the base capture, receiver,
# its inside port).
HAIRPIN = [
    ("hairpin-udp-a2b", UDP, A, "eim-udp-" + R1, B, 5000),
    ("hairpin-udp-b2a", UDP, B, "sub-" + B, A, 5000),
    ("hairpin-tcp-a2b", TCP, A, "eim-tcp-" + R1, B, 6000),
    ("hairpin-tcp-b2a", TCP, B, "tcp-" + B, A, 6000),
]
FRAG_ID = 4242


def external(r, tag, layer):
    p = ext_of(r, tag)
    return p[IP].src, p[layer].sport


@pytest.fixture(scope="module")
def hairpin(base):
    """The base capture, then each subscriber to the other's mapping."""
    f = base_frames()
    peer = {(layer, sender): tag for _, layer, sender, tag, _, _ in HAIRPIN}
    for tag, layer, sender, own, receiver, port in HAIRPIN:
        dst, dport = external(base, peer[(layer, receiver)], layer)
        if layer is UDP:
            f.add(udp(sender, port, dst, dport, tag))
        else:
            f.add(tcp(sender, port, dst, dport, "S" if sender == A else "SA", tag))
    # A fragmented datagram A -> B's mapping.
    dst, dport = external(base, "sub-" + B, UDP)
    whole = IP(bytes(udp(A, 5000, dst, dport, "", id=FRAG_ID) / bytes(range(64))))
    data = bytes(whole[UDP])
    for off in (0, 24, 48):
        f.add(IP(src=A, dst=dst, id=FRAG_ID, proto=17, frag=off // 8,
                 flags="MF" if off < 48 else 0) / Raw(data[off:off + 24]))
    return base, replay(f, CONF)


@pytest.mark.parametrize("tag,layer,sender,own,receiver,port", HAIRPIN,
                         ids=[h[0] for h in HAIRPIN])
def test_hairpin(hairpin, tag, layer, sender, own, receiver, port):
    base, r = hairpin
    # The same capture prefix gave the same ports: the replay is deterministic.
    assert external(r, own, layer) == external(base, own, layer)
    p = r.one(tag)
    # Delivered inside to the private endpoint, from the sender's external one.
    assert (p[IP].src, p[layer].sport) == external(base, own, layer)
    assert (p[IP].dst, p[layer].dport) == (receiver, port)
    assert checksums_ok(p)


def test_hairpin_fragments_and_no_drops(hairpin):
    base, r = hairpin
    frags = r.ip(id=FRAG_ID)
    assert len(frags) == 3 and all(header_checksum_ok(bytes(p[IP])) for p in frags)
    whole = reassemble(frags)
    assert (whole.src, whole[UDP].sport) == external(base, "eim-udp-" + R1, UDP)
    assert (whole.dst, whole[UDP].dport) == (B, 5000)
    assert bytes(whole[UDP].payload) == bytes(range(64)) and checksums_ok(whole)
    assert r.summary["dataplane"]["drops"] == {}
