# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Helpers for traffic tests: build captures with scapy, replay them
through the real cgnat binary (tools/pcap-replay) and read what it sent."""

import json
import os
import subprocess
import tempfile

from scapy.all import Ether, IP, TCP, UDP, ICMP, Raw, rdpcap, wrpcap  # noqa: F401
from scapy.layers.inet import IPerror
from scapy.utils import checksum

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
REPLAY = os.path.join(ROOT, "tools", "pcap-replay", "pcap-replay")
BUILD = os.environ.get("CGNAT_BUILD", os.path.join(ROOT, "build"))
CGNAT = os.path.join(BUILD, "cgnat")

SUB_MAC = "02:00:00:00:aa:01"
GW_MAC = "02:00:00:00:bb:01"

BASE_CONFIG = """
dataplane:
  workers: 1
  eal: ["--no-huge", "-m", "512", "--no-pci", "--no-shconf"]
  mbufs: 4095
interfaces:
  - name: sub
    role: inside
    device: "net_null0"
    address: 100.64.0.1/10
  - name: inet
    role: outside
    device: "net_null1"
    address: 198.51.100.1/24
    gateway: 198.51.100.254
pools:
  - name: public
    prefixes: [{pool}]
    ports: {ports}
    block_size: {block_size}
{pool_extra}
nat:
  max_sessions: {max_sessions}
  max_subscribers: 1024
  allow_short_timeouts: true
{nat_extra}
tenants:
  - name: residential
    subscribers: [{subscribers}]
    pool: public
    alg_policy: standard
{tenant_extra}
alg_policies:
  - name: standard
    ftp: {{enabled: {ftp}, ports: [{ftp_ports}]}}
    tftp: {{enabled: {tftp}}}
{alg_extra}"""


def config(**kw):
    """Text of a config; keyword arguments override the defaults."""
    args = dict(pool="203.0.113.0/28", ports="1024-65535", block_size=256,
                max_sessions=65536, nat_extra="", tenant_extra="", pool_extra="",
                subscribers="100.64.0.0/16",
                ftp="true", ftp_ports="21", tftp="true", alg_extra="")
    args.update(kw)
    return BASE_CONFIG.format(**args)


class Frames:
    """A capture under construction, with increasing timestamps."""

    def __init__(self, t0=1764000000.0, step=0.001):
        self.t0 = t0
        self.t = t0
        self.step = step
        self.pkts = []

    def add(self, l3, at=None):
        self.t = at if at is not None else self.t + self.step
        p = Ether(src=SUB_MAC, dst=GW_MAC) / l3
        p.time = self.t
        self.pkts.append(p)
        return p

    def wait(self, seconds):
        self.t += seconds

    def timeline(self, events):
        """Add (seconds after t0, l3) events in time order (stable)."""
        for at, l3 in sorted(events, key=lambda e: e[0]):
            self.add(l3, at=self.t0 + at)


class Result:
    def __init__(self, out, summary, stdout, stderr=""):
        self.out = out          # list of scapy packets cgnat transmitted
        self.summary = summary  # parsed --json summary
        self.stdout = stdout
        self.stderr = stderr    # cgnat's log

    def drops(self, reason):
        return self.summary["dataplane"]["drops"].get(reason, 0)

    def carrying(self, tag):
        """Output packets whose payload contains tag (bytes or str)."""
        tag = tag.encode() if isinstance(tag, str) else tag
        return [p for p in self.out if tag in bytes(p)]

    def one(self, tag):
        """The only output packet carrying tag."""
        got = self.carrying(tag)
        assert len(got) == 1, "%r: %d packets out" % (tag, len(got))
        return got[0]

    def ip(self, **match):
        """Output packets whose IP fields equal the given values."""
        res = []
        for p in self.out:
            if IP in p and all(getattr(p[IP], k) == v for k, v in match.items()):
                res.append(p)
        return res


def replay(frames, conf=None, expect=None, arp=False):
    """Replay frames (a Frames or a pcap path) with conf; return a Result.
    arp: neighbours resolve by ARP from the capture (pcap-replay --arp)
    instead of at one pretend MAC per side."""
    tmp = tempfile.mkdtemp(prefix="cgn-traffic-")
    cpath = os.path.join(tmp, "cgnat.yaml")
    with open(cpath, "w") as f:
        f.write(conf if conf is not None else config())
    if isinstance(frames, Frames):
        ipath = os.path.join(tmp, "in.pcap")
        wrpcap(ipath, frames.pkts)
    else:
        ipath = frames
    opath = os.path.join(tmp, "out.pcap")
    cmd = [REPLAY, "-c", cpath, "-r", ipath, "-w", opath, "--json",
           "--cgnat", CGNAT]
    if expect:
        cmd += ["--expect", expect]
    if arp:
        cmd.append("--arp")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode not in (0, 2):
        raise AssertionError("pcap-replay failed (%d): %s\n%s" % (
            p.returncode, p.stdout, p.stderr))
    summary = json.loads(p.stdout[p.stdout.index("{"):p.stdout.rindex("}") + 1])
    out = list(rdpcap(opath)) if os.path.getsize(opath) > 24 else []
    return Result(out, summary, p.stdout, p.stderr)


def two_pass(build, conf, learn):
    """Replay a capture whose later packets must echo what cgnat chose.
    build(f, None) writes the subscriber's opening; build(f, got) the
    whole capture, where got(*args) is learn(first run's Result, *args).
    Replays are deterministic, so the second run chooses the same."""
    f = Frames()
    build(f, None)
    first = replay(f, conf)
    f = Frames()
    build(f, lambda *args: learn(first, *args))
    return first, replay(f, conf)


def delivered(r, tag, dst=None, dport=None):
    """UDP packets carrying tag that cgnat sent (to dst:dport)."""
    return [p for p in r.carrying(tag) if UDP in p and
            (dst is None or p[IP].dst == dst) and
            (dport is None or p[UDP].dport == dport)]


class Conv:
    """A TCP connection written into a capture, seq/ack kept right.
    srv_shift (cli_shift): what rewrites added to the client's (server's)
    stream as the server (client) received it, which its
    acknowledgements count."""

    def __init__(self, frames, cport, sport, cli, srv):
        self.f, self.cli, self.srv = frames, cli, srv
        self.cport, self.sport = cport, sport
        self.cseq, self.sseq = 1000, 5000
        self.srv_shift = self.cli_shift = 0
        self.c(flags="S")
        self.s(flags="SA")
        self.c(flags="A")

    def c(self, data=b"", flags="PA", seq=None):
        p = IP(src=self.cli, dst=self.srv) / TCP(
            sport=self.cport, dport=self.sport, flags=flags,
            seq=self.cseq if seq is None else seq,
            ack=self.sseq + self.cli_shift)
        if data:
            p = p / Raw(data)
        self.f.add(p)
        if seq is None:
            self.cseq += len(data) + (1 if "S" in flags else 0)
        return p

    def s(self, data=b"", flags="PA", sack=None):
        opts = [("SAck", sack)] if sack else []
        p = IP(src=self.srv, dst=self.cli) / TCP(
            sport=self.sport, dport=self.cport, flags=flags, seq=self.sseq,
            ack=self.cseq + self.srv_shift, options=opts)
        if data:
            p = p / Raw(data)
        self.f.add(p)
        self.sseq += len(data) + (1 if "S" in flags else 0)
        return p


def checksums_ok(p):
    """True when every checksum in p is what a receiver would compute."""
    r = p.__class__(bytes(p))
    for layer in (IP, TCP, UDP, ICMP):
        if layer in r and r[layer].chksum is not None:
            c = r.copy()
            del c[layer].chksum
            fresh = c.__class__(bytes(c))[layer].chksum
            if layer is UDP and r[layer].chksum == 0:
                continue
            if fresh != r[layer].chksum:
                return False
    return True


def udp(src, sport, dst, dport, tag, **ip):
    """An IPv4/UDP packet whose payload is tag (found again with Result.one)."""
    return IP(src=src, dst=dst, **ip) / UDP(sport=sport, dport=dport) / Raw(tag.encode())


def tcp(src, sport, dst, dport, flags, tag="", **tcpf):
    """An IPv4/TCP segment; tag, when given, is its payload."""
    p = IP(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags=flags, **tcpf)
    return p / Raw(tag.encode()) if tag else p


def header_checksum_ok(raw):
    """raw starts with an IPv4 header whose checksum is right."""
    return checksum(raw[:(raw[0] & 0x0f) * 4]) == 0


def quote_checksums_ok(p):
    """For an ICMP error: the quoted IP header checksum is right, and so is
    the quoted transport checksum when the whole datagram is quoted."""
    raw = bytes(p[IPerror])
    q = IP(raw)
    return header_checksum_ok(raw) and (q.len > len(raw) or checksums_ok(q))


def reassemble(frags):
    """The IP datagram the fragments (any order) carry, as one packet."""
    frags = sorted(frags, key=lambda p: p[IP].frag)
    data = b"".join(bytes(p[IP])[p[IP].ihl * 4:p[IP].len] for p in frags)
    h = frags[0][IP]
    return IP(bytes(IP(src=h.src, dst=h.dst, proto=h.proto, id=h.id,
                       ttl=h.ttl) / Raw(data)))
