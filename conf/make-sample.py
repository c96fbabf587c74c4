#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Write conf/sample.pcap: a short subscriber-side capture for `make run`.

Two subscribers browse, resolve names and ping; the replies are addressed
to their private addresses, as captured on the subscriber side. One
unsolicited packet from the internet shows a drop.
"""
import sys
from scapy.all import Ether, IP, TCP, UDP, ICMP, DNS, DNSQR, DNSRR, Raw, wrpcap

A, B = "100.64.0.10", "100.64.0.11"
WEB, DNS_SRV = "192.0.2.80", "192.0.2.53"
t = [1764000000.0]
pkts = []


def add(p):
    t[0] += 0.01
    p = Ether(src="02:00:00:00:aa:01", dst="02:00:00:00:bb:01") / p
    p.time = t[0]
    pkts.append(p)


def http(sub, sport):
    add(IP(src=sub, dst=WEB) / TCP(sport=sport, dport=80, flags="S", seq=1000))
    add(IP(src=WEB, dst=sub) / TCP(sport=80, dport=sport, flags="SA", seq=5000, ack=1001))
    add(IP(src=sub, dst=WEB) / TCP(sport=sport, dport=80, flags="A", seq=1001, ack=5001))
    req = b"GET / HTTP/1.1\r\nHost: example.test\r\n\r\n"
    add(IP(src=sub, dst=WEB) / TCP(sport=sport, dport=80, flags="PA", seq=1001, ack=5001) / Raw(req))
    body = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    add(IP(src=WEB, dst=sub) / TCP(sport=80, dport=sport, flags="PA", seq=5001, ack=1001 + len(req)) / Raw(body))
    add(IP(src=sub, dst=WEB) / TCP(sport=sport, dport=80, flags="FA", seq=1001 + len(req), ack=5001 + len(body)))
    add(IP(src=WEB, dst=sub) / TCP(sport=80, dport=sport, flags="FA", seq=5001 + len(body), ack=1002 + len(req)))
    add(IP(src=sub, dst=WEB) / TCP(sport=sport, dport=80, flags="A", seq=1002 + len(req), ack=5002 + len(body)))


for sub, sport in ((A, 40000), (B, 40001)):
    add(IP(src=sub, dst=DNS_SRV) / UDP(sport=sport + 10000, dport=53) / DNS(id=7, rd=1, qd=DNSQR(qname="example.test")))
    add(IP(src=DNS_SRV, dst=sub) / UDP(sport=53, dport=sport + 10000) / DNS(id=7, qr=1, qd=DNSQR(qname="example.test"), an=DNSRR(rrname="example.test", rdata=WEB)))
    http(sub, sport)
add(IP(src=A, dst=WEB) / ICMP(type=8, id=0x4242, seq=1) / Raw(b"ping"))
add(IP(src=WEB, dst=A) / ICMP(type=0, id=0x4242, seq=1) / Raw(b"ping"))
# Nobody inside asked for this one: the NAT must drop it.
add(IP(src="192.0.2.66", dst="203.0.113.1") / TCP(sport=6666, dport=23, flags="S"))
wrpcap(sys.argv[1] if len(sys.argv) > 1 else "conf/sample.pcap", pkts)
