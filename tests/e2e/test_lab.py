# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""End to end: real programs in network namespaces talk through cgnat
running on net_af_packet (see lab.sh for the topology)."""

import hashlib
import ipaddress
import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("CGNAT_BUILD", os.path.join(ROOT, "build"))
LAB = os.path.join(HERE, "lab.sh")
POOL = ipaddress.ip_network("203.0.113.0/28")

CONFIG = """
dataplane:
  workers: {workers}
  eal: ["--no-huge", "-m", "512", "--no-pci", "--file-prefix=cgnlab",
        "--log-level=lib.*:error"]
  mbufs: 8191
interfaces:
  - name: sub
    role: inside
    device: "net_af_packet0,iface=veth-sub"
    address: 100.64.0.1/10
  - name: inet
    role: outside
    device: "net_af_packet1,iface=veth-inet"
    address: 198.51.100.1/24
    gateway: 198.51.100.254
pools:
  - name: public
    prefixes: [203.0.113.0/28]
    ports: 1024-65535
    block_size: 256
tenants:
  - name: residential
    subscribers: [100.64.0.0/16]
    pool: public
    alg_policy: standard
alg_policies:
  - name: standard
    ftp: {{enabled: true, ports: [21]}}
    tftp: {{enabled: true}}
"""


def ns(name, *cmd, **kw):
    return subprocess.run(["ip", "netns", "exec", name] + list(cmd), **kw)


class Lab:
    def __init__(self, workers=1):
        self.tmp = tempfile.mkdtemp(prefix="cgn-e2e-")
        self.conf = os.path.join(self.tmp, "lab.yaml")
        with open(self.conf, "w") as f:
            f.write(CONFIG.format(workers=workers))
        self.log = open(os.path.join(self.tmp, "cgnat.log"), "w+")
        self.proc = None
        self.bg = []

    def start(self):
        subprocess.run([LAB, "up"], check=True)
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", "cgn-rtr", os.path.join(BUILD, "cgnat"),
             "-c", self.conf], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("cgnat exited: " + self.output())
            if "cgnat running" in self.output():
                return
            time.sleep(0.2)
        raise AssertionError("cgnat did not start: " + self.output())

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def background(self, nsname, *cmd):
        p = subprocess.Popen(["ip", "netns", "exec", nsname] + list(cmd),
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        self.bg.append(p)
        return p

    def stop(self):
        """SIGTERM cgnat; return its exit code and final output."""
        rc = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait()
        elif self.proc is not None:
            rc = self.proc.returncode
        self.proc = None
        return rc, self.output()

    def teardown(self):
        for p in self.bg:
            p.kill()
            p.wait()
        self.stop()
        subprocess.run([LAB, "down"])


@pytest.fixture(scope="module")
def lab():
    lab = Lab()
    try:
        lab.start()
        yield lab
    finally:
        lab.teardown()


def wait_port(nsname, addr, port, timeout=10):
    code = ("import socket,sys,time\n"
            "d=time.time()+%d\n"
            "while time.time()<d:\n"
            "  try:\n"
            "    socket.create_connection(('%s',%d),1).close();sys.exit(0)\n"
            "  except OSError: time.sleep(0.1)\n"
            "sys.exit(1)\n") % (timeout, addr, port)
    ns(nsname, "/usr/bin/python3", "-c", code, check=True)


def test_ping_through_nat(lab):
    r = ns("cgn-sub", "ping", "-c", "3", "-i", "0.3", "-W", "2", "192.0.2.80",
           capture_output=True, text=True)
    # The first echo may be spent resolving the gateway's MAC.
    assert " 0 received" not in r.stdout, r.stdout
    r = ns("cgn-sub", "ping", "-c", "3", "-i", "0.3", "-W", "2", "192.0.2.80",
           capture_output=True, text=True)
    assert "3 received" in r.stdout, r.stdout


def test_ping_router_address(lab):
    r = ns("cgn-sub", "ping", "-c", "2", "-W", "2", "100.64.0.1",
           capture_output=True, text=True)
    assert "2 received" in r.stdout, r.stdout


UDP_SERVER = r"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.80", 9999))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(("%s:%d|" % peer).encode() + data, peer)
"""

UDP_CLIENT = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("100.64.0.10", 41000))
s.settimeout(2)
for i in range(5):
    s.sendto(b"hello %d" % i, ("192.0.2.80", 9999))
    try:
        data, peer = s.recvfrom(2048)
        print(data.decode())
    except socket.timeout:
        print("timeout")
"""


def test_udp_exchange_uses_pool_address(lab):
    lab.background("cgn-inet", "/usr/bin/python3", "-c", UDP_SERVER)
    time.sleep(0.5)
    r = ns("cgn-sub", "/usr/bin/python3", "-c", UDP_CLIENT,
           capture_output=True, text=True, timeout=30)
    answers = [l for l in r.stdout.splitlines() if "|hello" in l]
    assert len(answers) >= 4, r.stdout
    seen = {l.split("|")[0] for l in answers}
    # Endpoint-independent mapping: one external endpoint for the socket.
    assert len(seen) == 1, seen
    addr, port = seen.pop().split(":")
    assert ipaddress.ip_address(addr) in POOL
    assert 1024 <= int(port) <= 65535


def test_http_download_is_byte_identical(lab):
    www = tempfile.mkdtemp(prefix="cgn-www-")
    blob = os.urandom(3 * 1024 * 1024 + 17)
    with open(os.path.join(www, "blob.bin"), "wb") as f:
        f.write(blob)
    lab.background("cgn-inet", "/usr/bin/python3", "-m", "http.server",
                   "--bind", "192.0.2.80", "--directory", www, "8080")
    wait_port("cgn-inet", "192.0.2.80", 8080)
    out = os.path.join(lab.tmp, "blob.dl")
    r = ns("cgn-sub", "curl", "-sS", "--max-time", "60", "-o", out,
           "http://192.0.2.80:8080/blob.bin", capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with open(out, "rb") as f:
        got = f.read()
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(blob).hexdigest()


def test_telemetry_reports_interfaces(lab):
    r = subprocess.run(["dpdk-telemetry.py", "-f", "cgnlab"],
                       input="/cgnat/interfaces\n", capture_output=True,
                       text=True, timeout=30)
    assert '"sub"' in r.stdout and '"rx_packets"' in r.stdout, r.stdout + r.stderr


def test_sigterm_returns_every_mbuf(lab):
    rc, out = lab.stop()
    assert rc == 0, out
    assert "mbufs in use at exit: 0 of" in out, out
