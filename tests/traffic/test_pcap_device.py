# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""cgnat run directly on net_pcap devices (not pcap-replay) with a capture
taken on the subscriber side: the inside interface takes the capture's
router MAC and address (interfaces[].mac), reads the capture, and the
outside device writes what cgnat translated. net_pcap cannot set a MAC, so
cgnat uses the configured one in software.

Both captures are real (zeek's, see tests/regression/*/SOURCE): a LAN whose
router is 141.142.220.1 at 00:13:7f:be:8c:ff."""

import os
import signal
import subprocess
import tempfile
import time

import pytest
from scapy.all import ARP, IP, TCP, UDP, Ether, Raw, rdpcap, wrpcap

from cgnlib import CGNAT, ROOT, checksums_ok

ROUTER_MAC = "00:13:7f:be:8c:ff"
GATEWAY_MAC = "02:00:00:00:00:fe"
PCAP1_MAC = "02:70:63:61:70:01"   # net_pcap's own MAC for its second port
REGRESSION = os.path.join(ROOT, "tests", "regression")

CONFIG = """
dataplane:
  workers: 1
  eal: ["--no-huge", "-m", "512", "--no-pci", "--no-shconf",
        "--no-telemetry"]
  mbufs: 4095
interfaces:
  - name: sub
    role: inside
    device: "net_pcap0"
    address: 141.142.220.1/24
{mac}
  - name: inet
    role: outside
    device: "net_pcap1"
    address: 198.51.100.1/24
    gateway: 198.51.100.254
    gateway_mac: "{gw_mac}"
pools:
  - name: public
    prefixes: [203.0.113.0/28]
    ports: 1024-65535
    block_size: 256
nat:
  max_sessions: 65536
  max_subscribers: 1024
  filtering: {{tcp: address-and-port-dependent, udp: endpoint-independent}}
tenants:
  - name: field
    subscribers: [141.142.220.0/24]
    pool: public
    alg_policy: standard
alg_policies:
  - name: standard
    ftp: {{enabled: true, ports: [21]}}
"""


def mac(raw):
    return ":".join("%02x" % b for b in raw)


def src_mac(p):
    """Source MAC of any frame (scapy reads 802.3 ones as Dot3)."""
    return mac(bytes(p)[6:12])


def dst_mac(p):
    return mac(bytes(p)[0:6])


def to_router(pkts):
    """What a router at ROUTER_MAC would have to forward: IPv4 unicast
    frames addressed to it."""
    return [p for p in pkts if IP in p and dst_mac(p) == ROUTER_MAC]


class Run:
    """build/cgnat on two net_pcap devices until it has read its input."""

    def __init__(self, in_pkts, mac=True):
        self.tmp = tempfile.mkdtemp(prefix="cgn-pcapdev-")
        self.inp = os.path.join(self.tmp, "in.pcap")
        self.out_in = os.path.join(self.tmp, "out-inside.pcap")
        self.out_out = os.path.join(self.tmp, "out-outside.pcap")
        wrpcap(self.inp, in_pkts)
        conf = os.path.join(self.tmp, "cgnat.yaml")
        with open(conf, "w") as f:
            f.write(CONFIG.format(
                gw_mac=GATEWAY_MAC,
                mac='    mac: "%s"' % ROUTER_MAC if mac else ""))
        # the devices come from EAL arguments on the command line, named
        # by the config's interfaces[].device
        cmd = [CGNAT,
               "--vdev", "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (self.inp,
                                                             self.out_in),
               "--vdev", "net_pcap1,tx_pcap=%s" % self.out_out,
               "--", "-c", conf]
        log = os.path.join(self.tmp, "cgnat.log")
        with open(log, "w") as f:
            p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT)
            self.wait_input_read(p, log)
            p.send_signal(signal.SIGTERM)
            self.rc = p.wait(timeout=30)
        with open(log) as f:
            self.stdout = f.read()
        self.outside = rdpcap(self.out_out)
        self.inside = rdpcap(self.out_in)

    def wait_input_read(self, p, log):
        """net_pcap reads to the end of its file and then receives
        nothing, and cgnat runs on: wait until it is running and its
        outputs have not grown for a second."""
        deadline = time.time() + 30
        last, stable = None, 0
        while time.time() < deadline and p.poll() is None:
            time.sleep(0.2)
            with open(log) as f:
                if "cgnat running" not in f.read():
                    continue
            sizes = (os.path.getsize(self.out_in),
                     os.path.getsize(self.out_out))
            stable = stable + 1 if sizes == last else 0
            last = sizes
            if stable >= 5:
                return
        with open(log) as f:
            raise AssertionError("cgnat: " + f.read())

    def stats(self, name):
        """(rx_packets, tx_packets) of an interface from the exit table."""
        for line in self.stdout.splitlines():
            f = line.split()
            if f and f[0] == name:
                return int(f[2]), int(f[3])
        raise AssertionError("no %s in %s" % (name, self.stdout))

    def drops(self):
        for line in self.stdout.splitlines():
            if line.startswith("drops:"):
                return dict(kv.split("=") for kv in line.split()[1:])
        raise AssertionError("no drops line: " + self.stdout)


def capture(case):
    return list(rdpcap(os.path.join(REGRESSION, case, "input.pcap")))


def subscriber_side(pkts):
    """What the inside link delivers to the router: the capture without the
    frames the capture's router sent itself."""
    return [p for p in pkts if src_mac(p) != ROUTER_MAC]


def l4_key(p):
    return (p[IP].proto, p[IP].src, p.sport)


def test_pcap_devices_translate_subscriber_capture():
    pkts = subscriber_side(capture("web-browsing"))
    sent = to_router(pkts)
    r = Run(pkts)
    assert r.rc == 0, r.stdout
    assert "mbufs in use at exit: 0 of" in r.stdout
    assert r.stats("sub")[0] == len(pkts) == 86
    # IPv6 and STP, ARP for other hosts, broadcast NBNS and multicast
    assert r.drops() == {"not_ipv4": "9", "arp_ignored": "1",
                         "multicast_or_broadcast": "15"}

    # every frame the subscriber sent to the router left on the outside,
    # in order, from the pool, to the same destination, checksums right
    out = [p for p in r.outside if IP in p]
    assert len(out) == len(sent) == r.stats("inet")[1] == 60
    ext = {}
    for o, i in zip(out, sent):
        assert o[Ether].src == PCAP1_MAC and o[Ether].dst == GATEWAY_MAC
        assert o[IP].src.startswith("203.0.113.")
        assert (o[IP].dst, o[IP].proto, o.dport) == \
            (i[IP].dst, i[IP].proto, i.dport)
        assert o[IP].ttl == i[IP].ttl - 1
        assert checksums_ok(o), o.summary()
        # one external address and port per inside address and port
        assert ext.setdefault(l4_key(i), l4_key(o)) == l4_key(o)
        assert bytes(o[IP].payload.payload) == bytes(i[IP].payload.payload)
    assert len(set(ext.values())) == len(ext) == 23

    # the one ARP request for the router (from 141.142.220.226) is
    # answered with the configured MAC
    assert len(r.inside) == 1
    a = r.inside[0]
    assert (a[ARP].op, a[ARP].hwsrc, a[ARP].psrc, a[ARP].pdst) == \
        (2, ROUTER_MAC, "141.142.220.1", "141.142.220.226")
    assert a[Ether].src == ROUTER_MAC


def test_pcap_devices_one_way_tcp_alg():
    """The limit of a one-way run: an FTP control connection whose
    SYN-ACK never reaches cgnat has no ALG state, and the ALG refuses
    its commands rather than pass them untranslated (alg_no_state); the
    rest of the connection and the data connections go out translated.
    pcap-replay, which feeds both directions, is the tool for ALG cases."""
    pkts = subscriber_side(capture("ftp-active-passive-mixed"))
    sent = to_router(pkts)
    r = Run(pkts)
    assert r.rc == 0, r.stdout
    commands = [p for p in sent if p.dport == 21 and Raw in p]
    assert r.drops() == {"alg_no_state": str(len(commands))} == \
        {"alg_no_state": "15"}
    out = [p for p in r.outside if IP in p]
    assert len(out) == len(sent) - len(commands)
    assert all(Raw not in p and checksums_ok(p) and
               p[IP].src.startswith("203.0.113.") for p in out)


def test_pcap_devices_match_pcap_replay():
    """The same capture through pcap-replay (tests/regression/web-browsing,
    ring ports, pretend MACs): the subscriber's packets go out the same,
    from the same pool address; only the random external ports differ.
    pcap-replay also translates 141.142.220.226's NBNS broadcasts, which
    it hands over as unicast; net_pcap gives cgnat the real Ethernet
    broadcast, which a router does not forward."""
    pkts = subscriber_side(capture("web-browsing"))
    r = Run(pkts)
    ours = [p for p in r.outside if IP in p]
    exp = [p for p in rdpcap(os.path.join(REGRESSION, "web-browsing",
                                          "expected.pcap"))
           if IP in p and p[IP].src.startswith("203.0.113.")]
    exp118 = [p for p in exp if p[IP].dst != "141.142.220.255"]
    assert len(exp) - len(exp118) == 8
    assert len(ours) == len(exp118) == 60

    def shape(p):
        l4 = p[IP].payload
        return (p[IP].src, p[IP].dst, p[IP].proto, p.dport,
                bytes(l4.payload), l4.flags if TCP in p else None)
    assert [shape(p) for p in ours] == [shape(p) for p in exp118]
    assert r.drops().get("multicast_or_broadcast") == "15"


def test_raw_capture_only_router_frames_not_ours():
    """The whole capture, router's frames included: exactly the frames the
    router sent to one host are not_our_mac; what is translated does not
    change. Without `mac` every frame to the router is not_our_mac (the
    behaviour before interfaces[].mac)."""
    pkts = capture("web-browsing")
    from_router = [p for p in pkts if src_mac(p) == ROUTER_MAC and
                   dst_mac(p) != "ff:ff:ff:ff:ff:ff"]
    r = Run(pkts)
    assert r.rc == 0
    assert r.drops()["not_our_mac"] == str(len(from_router)) == "46"
    assert len([p for p in r.outside if IP in p]) == 60

    r = Run(pkts, mac=False)
    assert r.rc == 0
    assert r.drops()["not_our_mac"] == str(len(from_router) + 60)
    assert [p for p in r.outside if IP in p] == []
