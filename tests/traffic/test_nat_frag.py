# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Fragmented datagrams through the real binary (RFC 4787 REQ-14): in
order both ways, out of order (fragments before their first one are held
until it comes, or dropped when it does not come in time), and an
overlapping fragment dropped; a datagram larger than the outside MTU
fragmented (DF clear) or refused with "fragmentation needed" (DF set). Each datagram is checked by reassembling
what came out: addresses and ports translated, payload intact, the
transport checksum (adjusted in the first fragment only) right over the
whole datagram."""

import ipaddress

import pytest

from scapy.all import ICMP, IPerror, UDPerror

from cgnlib import (Frames, replay, config, checksums_ok, header_checksum_ok,
                    reassemble, udp, IP, UDP, Raw)

A, R = "100.64.0.10", "192.0.2.80"
POOL = ipaddress.ip_network("203.0.113.0/28")
PAYLOAD = bytes(range(100))          # 108-byte UDP datagram: 4 x 32 bytes
# name: (from, sport, to, dport, ip id, pieces sent as (start, end) bytes
#        of the IP payload, None: to the end, fragments expected out)
DATAGRAMS = {
    "in-order-out": (A, 5000, R, 7777, 101,
                     [(0, 32), (32, 64), (64, 96), (96, None)], 4),
    "in-order-in": (R, 7777, A, 5000, 102,
                    [(0, 32), (32, 64), (64, 96), (96, None)], 4),
    "out-of-order": (A, 5001, R, 7777, 103,
                     [(32, 64), (96, None), (0, 32), (64, 96)], 4),
    "overlap": (A, 5002, R, 7777, 104, [(0, 24), (16, 32), (24, None)], 2),
}
LONE_ID = 105


def piece(whole, start, end):
    """The fragment of whole carrying IP payload bytes [start, end)."""
    data = bytes(whole[IP].payload)
    more = end is not None
    return IP(src=whole[IP].src, dst=whole[IP].dst, id=whole[IP].id,
              proto=whole[IP].proto, flags="MF" if more else 0,
              frag=start // 8) / Raw(data[start:end])


@pytest.fixture(scope="module")
def frag_replay():
    f = Frames()
    for src, sport, dst, dport, ipid, pieces, _ in DATAGRAMS.values():
        whole = IP(bytes(udp(src, sport, dst, dport, "", id=ipid) / PAYLOAD))
        for start, end in pieces:
            f.add(piece(whole, start, end))
    # A fragment whose first never comes is held, then dropped once the
    # fragment timeout (2 s) has passed and the next packet arrives.
    whole = IP(bytes(udp(A, 5003, R, 7777, "", id=LONE_ID) / PAYLOAD))
    f.add(piece(whole, 32, 64))
    f.wait(3)
    f.add(udp(A, 5004, R, 7777, "after the timeout"))
    return replay(f, config())


@pytest.mark.parametrize("name", list(DATAGRAMS))
def test_fragments_translated(frag_replay, name):
    src, sport, dst, dport, ipid, _, n_out = DATAGRAMS[name]
    out = frag_replay.ip(id=ipid)
    assert len(out) == n_out
    # The first fragment leads, also when others came (and were held) first.
    assert out[0][IP].frag == 0
    assert all(header_checksum_ok(bytes(p[IP])) for p in out)
    whole = reassemble(out)
    assert bytes(whole[UDP].payload) == PAYLOAD
    assert checksums_ok(whole)
    if src == A:
        assert ipaddress.ip_address(whole.src) in POOL
        assert whole.dst == dst and whole[UDP].dport == dport
        assert whole[UDP].sport >= 1024
    else:
        assert (whole.src, whole[UDP].sport) == (src, sport)
        assert (whole.dst, whole[UDP].dport) == (dst, dport)


def test_fragment_drops(frag_replay):
    assert frag_replay.drops("fragment_overlap") == 1
    assert frag_replay.drops("fragment_no_state") == 0
    assert frag_replay.drops("fragment_timeout") == 1
    assert frag_replay.ip(id=LONE_ID) == []


def mtu_config():
    """The inside takes 9000-byte frames, the outside 1500 (as a carrier
    with jumbo frames toward its access network would have)."""
    text = config()
    return text.replace("/10\n", "/10\n    mtu: 9000\n", 1)


def big_datagram(df, ipid):
    # one receive buffer's worth (the replay's mbufs hold 2 KiB)
    data = bytes((i * 7) & 0xff for i in range(1900))
    p = udp(A, 5100 + ipid, R, 7777, "", id=ipid) / data
    p[IP].flags = "DF" if df else 0
    return p, data


def test_larger_than_the_mtu_is_fragmented_when_df_is_clear():
    f = Frames()
    p, data = big_datagram(False, 201)
    f.add(p)
    r = replay(f, mtu_config())
    out = r.ip(id=201)
    # 1908 bytes of IP payload in pieces of at most 1480
    assert len(out) == 2, [q.summary() for q in r.out]
    assert all(len(bytes(q[IP])) <= 1500 for q in out)
    assert all(header_checksum_ok(bytes(q[IP])) for q in out)
    assert [q[IP].frag for q in out] == [0, 185]
    assert [bool(q[IP].flags.MF) for q in out] == [True, False]
    whole = reassemble(out)
    assert bytes(whole[UDP].payload) == data
    assert checksums_ok(whole)
    assert ipaddress.ip_address(whole.src) in POOL
    assert r.drops("mtu_exceeded") == 0


def test_larger_than_the_mtu_with_df_set_is_dropped_and_the_sender_told():
    """RFC 4787 REQ-13, RFC 1191: "fragmentation needed" back to the
    subscriber with the outside MTU, quoting the datagram as it sent it
    (its own address and port, not the pool's)."""
    f = Frames()
    p, _ = big_datagram(True, 202)
    f.add(p)
    r = replay(f, mtu_config())
    assert r.ip(id=202) == []
    assert r.drops("mtu_exceeded") == 1
    errs = [q for q in r.out if ICMP in q and q[ICMP].type == 3]
    assert len(errs) == 1, [q.summary() for q in r.out]
    e = errs[0]
    assert e[IP].dst == A and e[ICMP].code == 4
    assert e[ICMP].nexthopmtu == 1500
    quote = e[IPerror]
    assert (quote.src, quote.dst) == (A, R)
    assert quote[UDPerror].sport == 5100 + 202
    assert checksums_ok(e[IP])
