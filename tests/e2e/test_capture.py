# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Capturing a running cgnat's ports with DPDK's own tools: dpdk-dumpcap
(with a capture filter) and dpdk-pdump, secondary processes attached to
cgnat by its --file-prefix, while a subscriber's SIP-like signalling and
RTP-like media flow. Both tools can attach only to a primary whose memory
is in hugepage files, so this lab runs cgnat on hugepages from a private
hugetlbfs mount (the rest of the e2e lab runs with --no-huge)."""

import os
import re
import signal
import subprocess
import tempfile
import time

import pytest

from labutil import FILE_PREFIX, INET, RTR, SUB, Lab, ns, telemetry

PAGES = 192                 # 2 MB pages: cgnat's 256 MB and the tools' pools
SUB_ADDR = "100.64.0.10"
SERVER = "192.0.2.80"
INSIDE_MAC = "02:00:00:0c:a9:01"

# A SIP endpoint and an RTP echo on the internet side: each datagram comes
# back with the sender's address and port as the server saw them.
SERVERS = r"""
import selectors, socket
sel = selectors.DefaultSelector()
for port in (5060, 30000):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("192.0.2.80", port))
    sel.register(s, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        data, peer = key.fileobj.recvfrom(2048)
        key.fileobj.sendto(("%s:%d|" % peer).encode() + data, peer)
"""

# The subscriber: a SIP OPTIONS from 5060, then 20 RTP-sized datagrams from
# 40000, each answered; prints what the server saw of each socket.
CLIENT = r"""
import socket
sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sip.bind(("100.64.0.10", 5060))
rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rtp.bind(("100.64.0.10", 40000))
for s in (sip, rtp):
    s.settimeout(2)
def ask(s, port, data):
    for _ in range(3):
        s.sendto(data, ("192.0.2.80", port))
        try:
            return s.recvfrom(2048)[0].split(b"|")[0].decode()
        except socket.timeout:
            pass
    return "timeout"
print("sip", ask(sip, 5060, b"OPTIONS sip:192.0.2.80 SIP/2.0\r\n\r\n"))
for i in range(20):
    print("rtp", ask(rtp, 30000, b"\x80\x00" + bytes([0, i]) + bytes(168)))
"""


def meminfo(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


@pytest.fixture(scope="module")
def hugedir():
    """PAGES more 2 MB hugepages and a private hugetlbfs mount for them;
    both undone afterwards."""
    path = "/proc/sys/vm/nr_hugepages"
    try:
        with open(path) as f:
            before = int(f.read())
        with open(path, "w") as f:
            f.write(str(before + PAGES))
    except OSError as e:
        pytest.skip("cannot reserve hugepages (%s): capture needs them" % e)
    mnt = tempfile.mkdtemp(prefix="cgn-e2e-huge-")
    try:
        if meminfo("HugePages_Free") < PAGES:
            pytest.skip("the kernel gave only %d free hugepages" %
                        meminfo("HugePages_Free"))
        subprocess.run(["mount", "-t", "hugetlbfs", "-o", "pagesize=2M",
                        "nodev", mnt], check=True)
        yield mnt
        subprocess.run(["umount", mnt], check=True)
    finally:
        with open(path, "w") as f:
            f.write(str(before))
        os.rmdir(mnt)


@pytest.fixture(scope="module")
def lab(hugedir):
    lab = Lab(workers=1)
    with open(lab.conf) as f:
        conf = f.read()
    conf = conf.replace('"--no-huge", "-m", "1024"',
                        '"--huge-dir", "%s", "-m", "256"' % hugedir)
    conf = conf.replace('device: "net_af_packet0,iface=veth-sub"',
                        'device: "net_af_packet0,iface=veth-sub"\n'
                        '    mac: "%s"' % INSIDE_MAC)
    assert hugedir in conf and INSIDE_MAC in conf
    with open(lab.conf, "w") as f:
        f.write(conf)
    try:
        lab.start()
        lab.background(INET, "/usr/bin/python3", "-c", SERVERS)
        time.sleep(0.5)
        # resolve the neighbours before anything is captured
        ns(SUB, "ping", "-c", "2", "-i", "0.3", SERVER, capture_output=True)
        yield lab
    finally:
        lab.teardown()


def call(lab):
    """Run the subscriber's call; (SIP external endpoint, RTP external
    endpoint, answers) as the server saw them."""
    r = ns(SUB, "/usr/bin/python3", "-c", CLIENT, capture_output=True,
           text=True, timeout=120)
    lines = [l.split() for l in r.stdout.splitlines()]
    sip = [x[1] for x in lines if x[0] == "sip"]
    rtp = [x[1] for x in lines if x[0] == "rtp"]
    assert len(sip) == 1 and len(rtp) == 20, r.stdout + r.stderr
    assert "timeout" not in sip + rtp, r.stdout
    assert len(set(rtp)) == 1
    return sip[0], rtp[0]


class Tool:
    """A capture tool run in the router namespace until stopped."""

    def __init__(self, lab, name, args):
        self.log = os.path.join(lab.tmp, name + ".log")
        self.out = open(self.log, "w")
        self.p = subprocess.Popen(["ip", "netns", "exec", RTR] + args,
                                  stdout=self.out, stderr=subprocess.STDOUT)
        lab.bg.append(self.p)       # killed at teardown if a test fails

    def text(self):
        with open(self.log) as f:
            return f.read()

    def wait_for(self, pattern, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if re.search(pattern, self.text()):
                return
            assert self.p.poll() is None, self.text()
            time.sleep(0.2)
        raise AssertionError("no %r: %s" % (pattern, self.text()))

    def stop(self):
        self.p.send_signal(signal.SIGINT)
        rc = self.p.wait(timeout=30)
        self.out.close()
        return rc


def tshark(path, fields, dfilter=""):
    r = subprocess.run(["tshark", "-r", path, "--enable-heuristic", "rtp_udp",
                        "-Y", dfilter, "-T", "fields"] +
                       sum([["-e", f] for f in fields], []),
                       capture_output=True, text=True, check=True)
    return [tuple(l.split("\t")) for l in r.stdout.splitlines()]


def drops():
    return {k: v for k, v in telemetry("/cgnat/drops").items() if v}


def test_af_packet_takes_configured_mac(lab):
    r = ns(RTR, "ip", "-br", "link", "show", "veth-sub", capture_output=True,
           text=True, check=True)
    assert INSIDE_MAC in r.stdout, r.stdout
    r = ns(SUB, "ip", "neigh", "show", "100.64.0.1", capture_output=True,
           text=True, check=True)
    assert INSIDE_MAC in r.stdout, r.stdout


def test_dumpcap_filtered_both_sides(lab):
    """One dumpcap per side, each with its own capture filter: the
    subscriber's SIP and RTP inside, its external address and ports
    outside; cgnat keeps forwarding meanwhile."""
    r = ns(RTR, "dpdk-dumpcap", "--file-prefix=" + FILE_PREFIX, "-D",
           capture_output=True, text=True, timeout=60)
    assert "0. net_af_packet0" in r.stdout and \
        "1. net_af_packet1" in r.stdout, r.stdout + r.stderr
    sip_ext, rtp_ext = call(lab)        # learn the external endpoints
    ext = sip_ext.split(":")[0]
    # outside, the subscriber is its external address and its port blocks
    # (cgnatctl show subscriber lists them; the lab's are 256 ports from
    # 1024)
    blocks = sorted({1024 + (int(e.split(":")[1]) - 1024) // 256 * 256
                     for e in (sip_ext, rtp_ext)})
    before = drops()
    inside = os.path.join(lab.tmp, "inside.pcapng")
    outside = os.path.join(lab.tmp, "outside.pcapng")
    tools = [
        Tool(lab, "dumpcap-inside", [
            "dpdk-dumpcap", "--file-prefix=" + FILE_PREFIX,
            "-i", "net_af_packet0", "-w", inside,
            "-f", "host %s and (port 5060 or udp)"   # as docs/operations.md
            % SUB_ADDR]),
        Tool(lab, "dumpcap-outside", [
            "dpdk-dumpcap", "--file-prefix=" + FILE_PREFIX,
            "-i", "net_af_packet1", "-w", outside,
            "-f", "host %s and (%s)" % (ext, " or ".join(
                "portrange %d-%d" % (b, b + 255) for b in blocks))]),
    ]
    for t in tools:
        t.wait_for("Packets captured")   # printed once attached
    assert call(lab) == (sip_ext, rtp_ext)
    # unrelated traffic of the same subscriber, filtered out on both sides
    ns(SUB, "ping", "-c", "3", "-i", "0.2", SERVER, capture_output=True,
       check=True)
    time.sleep(0.5)
    for t in tools:
        assert t.stop() == 0, t.text()
    assert drops() == before

    f = ["frame.interface_name", "ip.src", "udp.srcport", "ip.dst",
         "udp.dstport"]
    got_in = tshark(inside, f)
    got_out = tshark(outside, f)
    # OPTIONS and its answer, 20 RTP and their answers, before (inside) and
    # after (outside) translation; no ICMP, nothing from other ports
    # dumpcap names each interface by its kernel device (af_packet's iface)
    sip_in = ("veth-sub", SUB_ADDR, "5060", SERVER, "5060")
    rtp_in = ("veth-sub", SUB_ADDR, "40000", SERVER, "30000")
    assert got_in.count(sip_in) == 1 and got_in.count(rtp_in) == 20
    assert len(got_in) == 42, got_in
    sip_out = ("veth-inet", ext, sip_ext.split(":")[1], SERVER, "5060")
    rtp_out = ("veth-inet", ext, rtp_ext.split(":")[1], SERVER, "30000")
    assert got_out.count(sip_out) == 1 and got_out.count(rtp_out) == 20
    assert len(got_out) == 42, got_out
    # tshark decodes the signalling as SIP and the media as RTP, both sides
    for path, src in ((inside, SUB_ADDR), (outside, ext)):
        assert len(tshark(path, ["sip.Method"], "sip.Method == OPTIONS")) == 1
        assert len(tshark(path, ["rtp.seq"], "rtp && ip.src == " + src)) == 20


def test_pdump_rx_and_tx_of_both_ports(lab):
    """dpdk-pdump (no filter): each port's received and transmitted
    packets into pcap files, the subscriber's datagrams before and after
    translation."""
    d = lab.tmp
    # pdump's default pool per port (65535 mbufs, 140 MB) does not fit
    small = "ring-size=4096,total-num-mbufs=4095"
    tool = Tool(lab, "pdump", [
        "dpdk-pdump", "--file-prefix=" + FILE_PREFIX, "--no-pci",
        "--"] + sum([[
            "--pdump", "port=%d,queue=*,rx-dev=%s/p%d-rx.pcap,"
            "tx-dev=%s/p%d-tx.pcap,%s" % (i, d, i, d, i, small)]
            for i in (0, 1)], []))
    # its output files exist once its devices are up; it attaches next
    files = ["%s/p%d-%s.pcap" % (d, i, x) for i in (0, 1) for x in ("rx", "tx")]
    deadline = time.time() + 30
    while not all(os.path.exists(x) for x in files):
        assert time.time() < deadline and tool.p.poll() is None, tool.text()
        time.sleep(0.2)
    time.sleep(1)
    before = drops()
    sip_ext, rtp_ext = call(lab)
    time.sleep(0.5)
    assert tool.stop() == 0, tool.text()
    assert drops() == before
    ext, rtp_port = rtp_ext.split(":")
    f = ["ip.src", "udp.srcport", "ip.dst", "udp.dstport"]
    rtp = "udp.port == 30000"
    assert tshark(d + "/p0-rx.pcap", f, rtp).count(
        (SUB_ADDR, "40000", SERVER, "30000")) == 20
    assert tshark(d + "/p1-tx.pcap", f, rtp).count(
        (ext, rtp_port, SERVER, "30000")) == 20
    assert tshark(d + "/p1-rx.pcap", f, rtp).count(
        (SERVER, "30000", ext, rtp_port)) == 20
    assert tshark(d + "/p0-tx.pcap", f, rtp).count(
        (SERVER, "30000", SUB_ADDR, "40000")) == 20
