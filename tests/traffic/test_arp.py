# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Neighbour resolution by ARP (docs/architecture.md#neighbour-resolution),
replayed with pcap-replay --arp: the capture answers cgnat's requests.

Issue 13: an unsolicited ARP must not overwrite a known neighbour, made-up
senders must not crowd out a real one, and the first packet toward an
unresolved neighbour is held until ARP answers instead of dropped."""

import re

from scapy.all import ARP, Ether, IP, ICMP, UDP, Raw

from cgnlib import Frames, replay, checksums_ok, udp, GW_MAC

GW = "198.51.100.254"
OUT_IF = "198.51.100.1"
IN_IF = "100.64.0.1"
SERVER = "192.0.2.80"      # port 7000: no dissector guesses at payloads
B = "100.64.0.20"
MAC_X = "02:00:00:00:0b:0b"
MAC_Y = "02:00:00:00:0e:0e"


def frames():
    """A capture whose first packet is the gateway answering the request
    cgnat sends for it at start."""
    f = Frames()
    f.add(ARP(op=2, hwsrc=GW_MAC, psrc=GW, hwdst="00:00:00:00:00:00",
              pdst=OUT_IF))
    return f


def arp_reply(ip, mac, to=IN_IF):
    return ARP(op=2, hwsrc=mac, psrc=ip, hwdst="00:00:00:00:00:00", pdst=to)


def requests_for(r, ip):
    """ARP requests cgnat sent asking for ip."""
    return [p for p in r.out if ARP in p and p[ARP].op == 1 and p[ARP].pdst == ip]


def pos(r, p):
    """Where p is in the output (scapy's == would match an equal copy)."""
    return next(i for i, q in enumerate(r.out) if q is p)


def mbufs_back(r):
    m = re.search(r"mbufs in use at exit: (\d+) of", r.stdout)
    return m is not None and m.group(1) == "0"


def test_first_packet_is_held_until_arp_answers():
    """Defect 8: a UDP request/response with one try works, as on Linux."""
    f = frames()
    f.add(udp(B, 4000, SERVER, 7000, "[q1]"))
    f.add(udp(SERVER, 7000, B, 4000, "[first answer]"))
    f.add(arp_reply(B, MAC_X))
    r = replay(f, arp=True)
    assert r.drops("arp_timeout") == 0 and r.drops("arp_queue_full") == 0
    req = requests_for(r, B)
    assert len(req) == 1
    assert req[0][Ether].dst == "ff:ff:ff:ff:ff:ff" and req[0][ARP].psrc == IN_IF
    got = r.one("[first answer]")
    # after the request, with the MAC the answer gave, content intact
    assert pos(r, got) > pos(r, req[0])
    assert got[Ether].dst == MAC_X
    assert got[IP].dst == B and got[UDP].dport == 4000 and got[UDP].sport == 7000
    assert bytes(got[Raw]) == b"[first answer]"
    assert checksums_ok(got)
    # the outbound packet went to the gateway the first ARP resolved
    assert r.one("[q1]")[Ether].dst == GW_MAC
    assert mbufs_back(r)


def test_unanswered_packets_are_freed_and_counted():
    """Defect 8: no answer frees what was held after the timeout; more than
    a queue holds is counted; every mbuf comes back."""
    f = frames()
    f.add(udp(B, 4000, SERVER, 7000, "[q]"))
    for i in range(6):              # 4 held, 2 over the per-hop queue
        f.add(udp(SERVER, 7000, B, 4000, "[lost %d]" % i))
    f.wait(1.5)                     # a retransmission, no answer
    f.add(udp("100.64.0.21", 4000, SERVER, 7000, "[tick 1]"))
    f.wait(2.0)                     # past 3 s: given up
    f.add(udp("100.64.0.21", 4000, SERVER, 7000, "[tick 2]"))
    # 65 echo requests from made-up on-link sources: the box asks for each,
    # but its own replies are never held, so they take no pending slot
    for i in range(65):
        f.add(IP(src="100.64.1.%d" % (i + 1), dst=IN_IF) / ICMP(id=i) /
              Raw(b"[ping %d]" % i))
    # 65 forwarded next hops: one more than a worker holds
    for i in range(65):
        sub = "100.64.2.%d" % (i + 1)
        f.add(udp(sub, 4000, SERVER, 7000, "[out %d]" % i))
        f.add(udp(SERVER, 7000, sub, 4000, "[held %d]" % i))
    r = replay(f, arp=True)
    assert len(requests_for(r, B)) == 2     # at t and t + 1.5 s
    assert r.carrying("[lost") == []
    assert r.drops("neigh_unresolved") == 65
    assert len([p for p in r.out if ARP in p and p[ARP].op == 1 and
                p[ARP].pdst.startswith("100.64.1.")]) == 65
    assert r.drops("arp_queue_full") == 2 + 1
    # 4 timed out; the 64 still held when the capture ended are given
    # back at shutdown under the same reason
    assert r.drops("arp_timeout") == 4 + 64
    assert mbufs_back(r)


def test_unsolicited_arp_does_not_overwrite_a_neighbour():
    """Defect 6: B learned at X; another MAC claiming B's address is
    ignored and counted until B's entry is stale and re-verified."""
    f = frames()
    f.add(udp(B, 4000, SERVER, 7000, "[q]"))
    f.add(udp(SERVER, 7000, B, 4000, "[warm-up]"))  # makes cgnat ask for B
    f.add(arp_reply(B, MAC_X))
    f.add(udp(SERVER, 7000, B, 4000, "[r1]"))
    # unsolicited claims: a reply, a gratuitous request, a request to us
    f.add(arp_reply(B, MAC_Y))
    f.add(ARP(op=1, hwsrc=MAC_Y, psrc=B, pdst=B))
    f.add(ARP(op=1, hwsrc=MAC_Y, psrc=B, pdst=IN_IF))
    f.add(udp(SERVER, 7000, B, 4000, "[r2]"))
    f.wait(10)
    f.add(ARP(op=1, hwsrc=MAC_X, psrc=B, pdst=IN_IF))   # refreshes
    f.add(udp(SERVER, 7000, B, 4000, "[r3]"))
    f.wait(31)                      # stale: 31 s since X confirmed
    f.add(udp(SERVER, 7000, B, 4000, "[r4]"))
    # answers the re-verification; a broadcast sender MAC is never taken
    f.add(arp_reply(B, "ff:ff:ff:ff:ff:ff"))
    f.add(arp_reply(B, MAC_Y))
    f.add(udp(SERVER, 7000, B, 4000, "[r5]"))
    r = replay(f, arp=True)
    assert r.one("[r1]")[Ether].dst == MAC_X
    assert r.one("[r2]")[Ether].dst == MAC_X
    # the reply and the gratuitous request are dropped; the request to
    # us is answered (to its sender) but changes nothing
    assert r.drops("arp_conflict") == 2
    answers = [p for p in r.out if ARP in p and p[ARP].op == 2]
    assert [p[ARP].hwdst for p in answers] == [MAC_Y, MAC_X]
    assert r.one("[r3]")[Ether].dst == MAC_X
    # a stale entry is still used while a request re-verifies it
    r4 = r.one("[r4]")
    assert r4[Ether].dst == MAC_X
    req = requests_for(r, B)
    assert len(req) == 2 and pos(r, req[1]) == pos(r, r4) - 1
    assert r.one("[r5]")[Ether].dst == MAC_Y
    assert mbufs_back(r)


def test_made_up_senders_do_not_crowd_out_a_subscriber():
    """Defect 6: 12,000 ARPs from made-up senders, then a new subscriber is
    still learned and reached, with one ARP request however many packets
    wait for it."""
    f = frames()
    for i in range(12000):
        ip = "100.64.%d.%d" % (100 + i // 250, i % 250 + 1)
        mac = "02:00:%02x:%02x:00:01" % (i >> 8, i & 0xff)
        if i % 2:
            f.add(ARP(op=1, hwsrc=mac, psrc=ip, pdst=IN_IF))
        else:
            f.add(arp_reply(ip, mac))
    f.add(udp("100.64.9.9", 4000, SERVER, 7000, "[q]"))
    for i in range(3):
        f.add(udp(SERVER, 7000, "100.64.9.9", 4000, "[r%d]" % i))
    f.add(arp_reply("100.64.9.9", MAC_X))
    f.add(udp(SERVER, 7000, "100.64.9.9", 4000, "[r3]"))
    r = replay(f, arp=True)
    assert len(requests_for(r, "100.64.9.9")) == 1
    for i in range(4):
        assert r.one("[r%d]" % i)[Ether].dst == MAC_X
    assert r.drops("neigh_table_full") == 0
    assert mbufs_back(r)


def test_pretend_mac_replay_is_unchanged():
    """Without --arp, replay resolves every neighbour at once, as before."""
    f = Frames()
    f.add(udp(B, 4000, SERVER, 7000, "[q]"))
    f.add(udp(SERVER, 7000, B, 4000, "[r]"))
    r = replay(f)
    assert [p for p in r.out if ARP in p and p[ARP].op == 1] == []
    assert r.one("[r]")[Ether].dst == "02:00:00:00:aa:01"
