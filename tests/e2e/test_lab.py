# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""End to end: real programs in network namespaces talk through cgnat
running on net_af_packet (see lab.sh for the topology)."""

import hashlib
import ipaddress
import os
import tempfile
import time

import pytest

from labutil import (Lab, ns, telemetry, wait_port, POOL, INET, SUB,
                      UDP_SERVER)


@pytest.fixture(scope="module", params=[1, 2], ids=["1worker", "2workers"])
def lab(request):
    """cgnat with one worker, then with two (RSS/fanout across queues)."""
    lab = Lab(workers=request.param)
    try:
        lab.start()
        yield lab
    finally:
        lab.teardown()


def test_ping_through_nat(lab):
    r = ns(SUB, "ping", "-c", "3", "-i", "0.3", "-W", "2", "192.0.2.80",
           capture_output=True, text=True)
    # The first echo may be spent resolving the gateway's MAC.
    assert " 0 received" not in r.stdout, r.stdout
    r = ns(SUB, "ping", "-c", "3", "-i", "0.3", "-W", "2", "192.0.2.80",
           capture_output=True, text=True)
    assert "3 received" in r.stdout, r.stdout


def test_ping_router_address(lab):
    r = ns(SUB, "ping", "-c", "2", "-W", "2", "100.64.0.1",
           capture_output=True, text=True)
    assert "2 received" in r.stdout, r.stdout


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
    lab.background(INET, "/usr/bin/python3", "-c", UDP_SERVER)
    time.sleep(0.5)
    r = ns(SUB, "/usr/bin/python3", "-c", UDP_CLIENT,
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
    lab.background(INET, "/usr/bin/python3", "-m", "http.server",
                   "--bind", "192.0.2.80", "--directory", www, "8080")
    wait_port(INET, "192.0.2.80", 8080)
    out = os.path.join(lab.tmp, "blob.dl")
    r = ns(SUB, "curl", "-sS", "--max-time", "60", "-o", out,
           "http://192.0.2.80:8080/blob.bin", capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with open(out, "rb") as f:
        got = f.read()
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(blob).hexdigest()


def test_telemetry_reports_interfaces(lab):
    ifs = telemetry("/cgnat/interfaces")
    assert "rx_packets" in ifs["sub"], ifs


def test_sigterm_returns_every_mbuf(lab):
    rc, out = lab.stop()
    assert rc == 0, out
    assert "mbufs in use at exit: 0 of" in out, out
