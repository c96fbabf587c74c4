# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""The dataplane around the NAT: ARP, ICMP to the box, TTL, L2 checks,
and the bundled sample capture, all through the real binary."""

import os

from scapy.all import ARP, Ether, IP, IPv6, TCP, UDP, ICMP, Raw, Dot1Q

from cgnlib import Frames, replay, config, checksums_ok, ROOT

POOL = "203.0.113."


def test_sample_capture_translates():
    r = replay(os.path.join(ROOT, "conf", "sample.pcap"),
               open(os.path.join(ROOT, "conf", "sample.yaml")).read())
    s = r.summary
    assert s["replay"]["packets_in"] == 23
    # Everything the subscribers sent leaves with a public source address.
    out = [p for p in r.out if IP in p and p[IP].dst.startswith("192.0.2.")]
    assert len(out) == 13
    assert all(p[IP].src.startswith(POOL) for p in out)
    # Every reply reaches the subscriber at its private address and port.
    back = [p for p in r.out if IP in p and p[IP].dst.startswith("100.64.0.")]
    assert len(back) == 9
    assert {p[IP].dst for p in back} == {"100.64.0.10", "100.64.0.11"}
    assert all(checksums_ok(p) for p in r.out)
    # The unsolicited SYN from the internet went nowhere.
    assert r.drops("no_session") + r.drops("filtered") == 1
    assert s["dataplane"]["sessions"]["created"] == 5


def test_arp_for_own_and_pool_addresses():
    f = Frames()
    f.pkts.append(Ether(src="02:00:00:00:aa:01", dst="ff:ff:ff:ff:ff:ff") /
                  ARP(op=1, hwsrc="02:00:00:00:aa:01", psrc="100.64.0.10",
                      pdst="100.64.0.1"))
    f.pkts.append(Ether(src="02:00:00:00:bb:01", dst="ff:ff:ff:ff:ff:ff") /
                  ARP(op=1, hwsrc="02:00:00:00:bb:01", psrc="198.51.100.254",
                      pdst="203.0.113.5"))
    # Not ours: ignored.
    f.pkts.append(Ether(src="02:00:00:00:bb:01", dst="ff:ff:ff:ff:ff:ff") /
                  ARP(op=1, hwsrc="02:00:00:00:bb:01", psrc="198.51.100.254",
                      pdst="198.51.100.77"))
    r = replay(f)
    replies = [p for p in r.out if ARP in p]
    assert len(replies) == 2
    assert replies[0][ARP].op == 2 and replies[0][ARP].psrc == "100.64.0.1"
    assert replies[0][ARP].pdst == "100.64.0.10"
    assert replies[0][Ether].dst == "02:00:00:00:aa:01"
    assert replies[1][ARP].psrc == "203.0.113.5"
    assert replies[1][ARP].hwsrc == replies[1][Ether].src
    assert r.drops("arp_ignored") == 1


def test_ping_to_interface_address():
    f = Frames()
    f.add(IP(src="100.64.0.10", dst="100.64.0.1") / ICMP(id=9, seq=3) / Raw(b"abcdefgh"))
    f.add(IP(src="192.0.2.9", dst="198.51.100.1") / ICMP(id=10, seq=4) / Raw(b"x" * 56))
    r = replay(f)
    rep = [p for p in r.out if ICMP in p]
    assert len(rep) == 2
    assert rep[0][IP].src == "100.64.0.1" and rep[0][IP].dst == "100.64.0.10"
    assert rep[0][ICMP].type == 0 and rep[0][ICMP].id == 9 and rep[0][ICMP].seq == 3
    assert bytes(rep[0][Raw]) == b"abcdefgh"
    assert rep[1][IP].src == "198.51.100.1" and rep[1][ICMP].type == 0
    assert all(checksums_ok(p) for p in rep)


def test_ttl_expired_gets_time_exceeded():
    f = Frames()
    f.add(IP(src="100.64.0.10", dst="192.0.2.80", ttl=1) / UDP(sport=5000, dport=53) / Raw(b"q"))
    f.add(IP(src="100.64.0.10", dst="192.0.2.80", ttl=2) / UDP(sport=5000, dport=53) / Raw(b"q"))
    r = replay(f)
    te = [p for p in r.out if ICMP in p]
    assert len(te) == 1
    assert te[0][ICMP].type == 11 and te[0][IP].src == "100.64.0.1"
    assert te[0][IP].dst == "100.64.0.10"
    # The quoted packet is the subscriber's own, untranslated.
    assert te[0]["IPerror"].src == "100.64.0.10"
    assert checksums_ok(te[0])
    fwd = [p for p in r.out if UDP in p and ICMP not in p]
    assert len(fwd) == 1 and fwd[0][IP].ttl == 1
    assert r.drops("ttl_expired") == 1


def test_non_ipv4_and_garbage_are_counted():
    f = Frames()
    f.pkts.append(Ether(src="02:00:00:00:aa:01", dst="02:00:00:00:bb:01") /
                  IPv6(src="fe80::1", dst="ff02::1") / UDP())
    f.add(IP(src="100.64.0.10", dst="192.0.2.80", ihl=4) / UDP(sport=1, dport=2))
    bad = IP(src="100.64.0.10", dst="192.0.2.80") / UDP(sport=1, dport=2)
    bad.chksum = 0x1234
    f.add(bad)
    # all ones is not a wildcard: this header sums to something else
    ones = IP(src="100.64.0.10", dst="192.0.2.80") / UDP(sport=1, dport=3)
    ones.chksum = 0xffff
    f.add(ones)
    f.add(IP(src="100.64.0.10", dst="192.0.2.80", len=400) / UDP(sport=1, dport=2))
    r = replay(f)
    assert r.out == []
    assert r.drops("not_ipv4") == 1
    assert r.drops("bad_ip_header") == 1
    assert r.drops("bad_ip_checksum") == 2
    assert r.drops("bad_ip_length") == 1


def test_outside_traffic_not_for_pool_is_dropped():
    f = Frames()
    f.add(IP(src="192.0.2.1", dst="192.0.2.2") / UDP(sport=1, dport=2))
    r = replay(f)
    assert r.out == [] and r.drops("not_for_us") == 1


def test_vlan_tagged_interfaces():
    conf = config().replace(
        "address: 100.64.0.1/10", "address: 100.64.0.1/10\n    vlan: 100")
    conf = conf.replace(
        "address: 198.51.100.1/24", "address: 198.51.100.1/24\n    vlan: 200")
    f = Frames()
    f.add(IP(src="100.64.0.10", dst="192.0.2.80") / UDP(sport=5000, dport=53) / Raw(b"q"))
    # Replay tags frames with the interface's VLAN; a wrong tag is refused.
    r = replay(f, conf)
    out = [p for p in r.out if UDP in p]
    assert len(out) == 1
    assert Dot1Q in out[0] and out[0][Dot1Q].vlan == 200
    assert out[0][IP].src.startswith(POOL)
