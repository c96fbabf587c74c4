# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""cgnatctl's show commands against a running cgnat, while a real download
runs through it: the subscriber's session as the server saw it, who holds
the external port, and tables that agree with /cgnat telemetry."""

import ipaddress
import json
import os
import re
import subprocess
import time

import pytest

from labutil import (Lab, ns, telemetry, wait_port, FILE_PREFIX, INET,
                     POOL, ROOT, SUB, UDP_SERVER)

CGNATCTL = os.path.join(ROOT, "tools", "cgnatctl", "cgnatctl")
SUBSCRIBER = "100.64.0.10"
CLIENT_PORT = 40123

# A web server that says who connected (the peer as it sees it, after the
# NAT) and then sends a body slowly enough that the download is still
# running while the test looks at it.
SLOW_SERVER = r"""
import socket, threading, time

def serve(c):
    try:
        if not c.recv(4096):
            return      # a probe that only connected
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 8000000\r\n\r\n")
        for i in range(400):
            c.sendall(b"x" * 20000)
            time.sleep(0.05)
    except OSError:
        pass
    finally:
        c.close()

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.80", 8080))
s.listen(4)
while True:
    c, peer = s.accept()
    print("%s:%d" % peer, flush=True)
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""

UDP_MANY = r"""
import socket
for p in range(42000, 42150):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("100.64.0.10", p))
    s.settimeout(1)
    s.sendto(b"x", ("192.0.2.80", 9999))
    try:
        s.recvfrom(2048)
    except socket.timeout:
        pass
    s.close()
"""


def ctl(*args, prefix=FILE_PREFIX):
    return subprocess.run([CGNATCTL, "-f", prefix] + list(args),
                          capture_output=True, text=True, timeout=60)


def ctl_json(*args):
    r = ctl(*args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def lab():
    lab = Lab(workers=1)
    try:
        lab.start()
        yield lab
    finally:
        lab.teardown()


@pytest.fixture(scope="module")
def download(lab):
    """A download running through cgnat; the peer the server saw."""
    lab.background(INET, "/usr/bin/python3", "-u", "-c", SLOW_SERVER,
                   log="server.log")
    wait_port(INET, "192.0.2.80", 8080)
    # wait_port's own probe connection is logged first
    log = os.path.join(lab.tmp, "server.log")
    with open(log) as f:
        probes = len(f.read().split())
    curl = lab.background(SUB, "curl", "-sS", "-o", "/dev/null",
                          "--local-port", str(CLIENT_PORT),
                          "http://192.0.2.80:8080/big")
    deadline = time.time() + 15
    while time.time() < deadline:
        with open(log) as f:
            peers = f.read().split()
        if len(peers) > probes:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the server saw no download")
    time.sleep(0.5)     # the handshake's last ACK has passed
    assert curl.poll() is None, "the download ended too soon"
    addr, port = peers[probes].split(":")
    return addr, int(port)


def test_subscriber_table_shows_the_download(download):
    ext_addr, ext_port = download
    assert ipaddress.ip_address(ext_addr) in POOL
    r = ctl("show", "subscriber", SUBSCRIBER)
    assert r.returncode == 0, r.stderr
    assert re.search(r"^subscriber %s\s+tenant residential\s+pool public "
                     r"\(dynamic\)\s+external %s$" % (SUBSCRIBER, ext_addr),
                     r.stdout, re.M), r.stdout
    row = re.search(r"^tcp\s+%s:%d\s+%s:%d\s+192\.0\.2\.80:8080\s+"
                    r"established\s+\d+\s+7440\s+-$" %
                    (SUBSCRIBER, CLIENT_PORT, ext_addr, ext_port),
                    r.stdout, re.M)
    assert row, r.stdout
    # the column headers of the session table
    assert re.search(r"^PROTO\s+INSIDE\s+OUTSIDE\s+REMOTE\s+STATE\s+IDLE\s+"
                     r"TIMEOUT\s+ALG$", r.stdout, re.M), r.stdout


def test_subscriber_json_shows_the_download(download):
    ext_addr, ext_port = download
    v = ctl_json("show", "subscriber", SUBSCRIBER)
    assert v["address"] == SUBSCRIBER
    assert v["tenant"] == "residential" and v["external"] == ext_addr
    tcp = [s for s in v["sessions"] if s["proto"] == "tcp" and
           s["inside"]["port"] == CLIENT_PORT]
    assert len(tcp) == 1, v["sessions"]
    s = tcp[0]
    assert s["inside"] == {"address": SUBSCRIBER, "port": CLIENT_PORT}
    assert s["outside"] == {"address": ext_addr, "port": ext_port}
    assert s["remote"] == {"address": "192.0.2.80", "port": 8080}
    assert s["state"] == "established" and s["idle"] <= 2
    m = [m for m in v["mappings"] if m["proto"] == "tcp" and
         m["inside"]["port"] == CLIENT_PORT]
    assert m and m[0]["outside"] == s["outside"], v["mappings"]
    assert any(b["first"] <= ext_port <= b["last"] and b["used"]["tcp"] >= 1
               for b in v["port_blocks"]), v["port_blocks"]
    assert v["pinholes"] == []
    assert v["counts"]["sessions"] >= 1 and not v["partial"]


def test_whois_names_the_subscriber(download):
    ext_addr, ext_port = download
    r = ctl("show", "whois", "%s:%d" % (ext_addr, ext_port))
    assert r.returncode == 0, r.stderr
    assert "held now by subscriber %s (tenant residential" % SUBSCRIBER \
        in r.stdout, r.stdout
    assert "tcp mapping from %s:%d" % (SUBSCRIBER, CLIENT_PORT) in r.stdout
    assert "NAT logs are the record" in r.stdout
    v = ctl_json("show", "whois", "%s:%d" % (ext_addr, ext_port))
    assert v["held"] and v["subscriber"] == SUBSCRIBER
    assert v["mappings"][0]["inside"] == {"address": SUBSCRIBER,
                                          "port": CLIENT_PORT}
    # a port of another pool address nobody holds
    other = str(POOL[14]) if ext_addr != str(POOL[14]) else str(POOL[13])
    r = ctl("show", "whois", "%s:%d" % (other, ext_port))
    assert r.returncode == 1 and "held by nobody now" in r.stdout, r.stdout


def test_many_sessions_come_in_pages(lab, download):
    """More sessions than one telemetry reply holds: cgnatctl fetches every
    page, each session once."""
    lab.background(INET, "/usr/bin/python3", "-c", UDP_SERVER)
    time.sleep(0.5)
    ns(SUB, "/usr/bin/python3", "-c", UDP_MANY, check=True, timeout=120)
    first = telemetry("/cgnat/subscriber,%s" % SUBSCRIBER)
    assert "next_offset" in first and len(first["session_list"]) < 150
    v = ctl_json("show", "subscriber", SUBSCRIBER)
    udp = sorted(s["inside"]["port"] for s in v["sessions"]
                 if s["proto"] == "udp" and s["remote"]["port"] == 9999)
    assert udp == list(range(42000, 42150))
    assert len(v["sessions"]) == first["sessions_listed_total"]


def test_tenants_agree_with_telemetry(download):
    v = ctl_json("show", "tenants")
    t = telemetry("/cgnat/tenants")
    assert v.keys() == t.keys() == {"residential"}
    for k in ("pool", "mode", "alg_policy", "subscribers"):
        assert v["residential"][k] == t["residential"][k]
    assert v["residential"]["subscribers"] == 1
    r = ctl("show", "tenants")
    assert re.search(r"^residential\s+public\s+dynamic\s+standard\s+1\s+",
                     r.stdout, re.M), r.stdout


def test_drops_agree_with_telemetry(download):
    before = telemetry("/cgnat/drops")
    v = ctl_json("show", "drops", "--all")
    after = telemetry("/cgnat/drops")
    assert v.keys() == before.keys()
    for k in v:
        assert before[k] <= v[k] <= after[k], k
    nonzero = ctl_json("show", "drops")
    assert all(n > 0 for n in nonzero.values())
    r = ctl("show", "drops")
    for k, n in nonzero.items():
        assert re.search(r"^%s\s+\d+$" % k, r.stdout, re.M), r.stdout


def test_interfaces_agree_with_telemetry(download):
    before = telemetry("/cgnat/interfaces")
    v = ctl_json("show", "interfaces")
    after = telemetry("/cgnat/interfaces")
    assert v.keys() == {"sub", "inet"}
    for name in v:
        assert v[name]["role"] == before[name]["role"]
        for k in ("rx_packets", "tx_packets", "rx_bytes"):
            assert before[name][k] <= v[name][k] <= after[name][k]
    r = ctl("show", "interfaces")
    assert re.search(r"^sub\s+inside\s+0\s+\d+", r.stdout, re.M), r.stdout
    assert re.search(r"^inet\s+outside\s+1\s+\d+", r.stdout, re.M)


def test_bad_input_and_unknown_subscriber(lab):
    r = ctl("show", "subscriber", "100.64.0.99")
    assert r.returncode == 1 and "no subscriber 100.64.0.99" in r.stderr
    r = ctl("show", "subscriber", "100.64.0.256")
    assert r.returncode == 2 and "not an IPv4 address" in r.stderr
    r = ctl("show", "whois", "192.0.2.80:80")
    assert r.returncode == 1 and "not an address of any pool" in r.stderr
    r = ctl("show", "bogus")
    assert r.returncode == 2


def test_version_or_not_supported(lab):
    r = ctl("show", "version")
    if "/cgnat/config" in telemetry("/"):
        assert r.returncode == 0 and "version:" in r.stdout, r.stderr
    else:
        assert r.returncode == 2
        assert "not supported by this cgnat" in r.stderr, r.stderr


def test_clear_error_when_cgnat_is_not_running():
    r = ctl("show", "nat", prefix="shw-nothing-here")
    assert r.returncode == 2
    path = "/var/run/dpdk/shw-nothing-here/dpdk_telemetry.v2"
    assert path in r.stderr and "is cgnat running" in r.stderr, r.stderr
