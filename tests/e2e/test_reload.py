# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Live reload under traffic: ten reloads (SIGHUP and cgnatctl) while a UDP
flood (iperf3), a numbered UDP stream, a long HTTP download and an FTP
transfer run through cgnat; none of them may break, no packet may be
dropped by cgnat, no numbered datagram lost, no mapping change. Then what a reload
must refuse, an ALG switched off and on, and the kept versions."""

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from labutil import (Lab, ns, telemetry, wait_port, INET, SUB, RTR, ROOT,
                     FILE_PREFIX, FTP_MODES)

CGNATCTL = os.path.join(ROOT, "tools", "cgnatctl", "cgnatctl")

# What each reload changes: only things a running cgnat takes live.
SECOND_POOL = """
  - name: business
    prefixes: [203.0.113.16/28]
"""
SECOND_TENANT = """
  - name: business
    subscribers: [100.65.0.0/16]
    pool: business
    limits: {sessions: 100}
"""

# The UDP stream: a steady rate of numbered datagrams to an echo server;
# every echo must come back, all from one external address and port.
UDP_ECHO = r"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
s.bind(("192.0.2.80", 9998))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(("%s:%d|" % peer).encode() + data, peer)
"""

UDP_STREAM = r"""
import socket, sys, time
n, rate = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# deep buffers: on two busy CPUs the test's own programs must not be
# where datagrams are lost
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
s.bind(("100.64.0.10", 40000))
s.settimeout(0.001)
got, peers, t0 = set(), set(), time.time()
def drain():
    while True:
        try:
            d = s.recv(2048)
        except (socket.timeout, BlockingIOError):
            return
        peer, _, seq = d.partition(b"|")
        peers.add(peer.decode())
        got.add(int(seq))
for i in range(n):
    s.sendto(b"%d" % i, ("192.0.2.80", 9998))
    while time.time() < t0 + (i + 1) / rate:
        drain()
end = time.time() + 3
while time.time() < end and len(got) < n:
    drain()
print("sent=%d got=%d peers=%s" % (n, len(got), ",".join(sorted(peers))))
"""


def conf_variant(base, i):
    """The i-th configuration of the run: each differs from the one
    before in keys a running cgnat takes (limits, timeouts, a tenant and
    pool added then removed, the TFTP ALG, a refresh flag)."""
    text = base.replace("    alg_policy: standard\n",
                        "    alg_policy: standard\n"
                        "    limits: {sessions: %d}\n" % (4000 + i))
    if i % 3 == 1:
        text = text.replace("    block_size: 256\n",
                            "    block_size: 256\n" + SECOND_POOL)
        text = text.replace("    limits: {sessions: %d}\n" % (4000 + i),
                            "    limits: {sessions: %d}\n" % (4000 + i) +
                            SECOND_TENANT)
    if i % 2 == 1:
        text = text.replace("tftp: {enabled: true}", "tftp: {enabled: false}")
    text += "\nnat:\n" if "nat:\n" not in text else ""
    text = text.replace("nat:\n", "nat:\n  timeouts: {udp: %d}\n" % (300 + i),
                        1)
    return text


def ctl(*args, check=True):
    r = subprocess.run([CGNATCTL, "-f", FILE_PREFIX] + list(args),
                       capture_output=True, text=True, timeout=60)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.fixture(scope="module")
def rlab():
    lab = Lab(workers=2)
    versions = os.path.join(lab.tmp, "versions")
    os.mkdir(versions)
    with open(lab.conf) as f:
        base = f.read() + "config_versions: {dir: %s, keep: 50}\n" % versions
    # rings deep enough that two busy CPUs' scheduling does not overflow
    # them (af_packet in DPDK 22.11 counts no kernel ring drop)
    for dev in ("veth-sub", "veth-inet"):
        base = base.replace("iface=%s\"" % dev,
                            "iface=%s,framecnt=8192\"" % dev)
    with open(lab.conf, "w") as f:
        f.write(base)
    lab.base = base
    lab.versions = versions
    www = tempfile.mkdtemp(prefix="cgn-www-")
    lab.www = www
    with open(os.path.join(www, "big.bin"), "wb") as f:
        f.write(os.urandom(24 * 1024 * 1024))
    try:
        lab.start()
        lab.background(INET, "/usr/bin/python3", "-m", "http.server",
                       "--bind", "192.0.2.80", "--directory", www, "8080")
        lab.background(INET, "/usr/bin/python3", "-m", "pyftpdlib", "-i",
                       "192.0.2.80", "-p", "21", "-d", www)
        lab.background(INET, "/usr/bin/python3", "-c", UDP_ECHO)
        lab.background(INET, "iperf3", "-s", "-B", "192.0.2.80", "-p", "5201")
        wait_port(INET, "192.0.2.80", 8080)
        wait_port(INET, "192.0.2.80", 21)
        wait_port(INET, "192.0.2.80", 5201)
        yield lab
    finally:
        lab.teardown()


def write_conf(lab, text):
    tmp = lab.conf + ".new"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, lab.conf)


def drops(lab):
    return telemetry("/cgnat/drops")


def socket_drops(nsname, port):
    """The kernel's drop count of the UDP socket bound to port."""
    r = ns(nsname, "cat", "/proc/net/udp", capture_output=True, text=True)
    n = 0
    for line in r.stdout.splitlines()[1:]:
        f = line.split()
        if int(f[1].split(":")[1], 16) == port:
            n += int(f[-1])
    return n


def port_missed():
    """Packets cgnat's ports could not take in (imissed, rx errors)."""
    n = 0
    for port in (0, 1):
        st = telemetry("/ethdev/stats,%d" % port)
        n += st["imissed"] + st["ierrors"] + st["rx_nombuf"] + st["oerrors"]
    return n


def link_drops():
    """RX/TX drops the lab's veths counted, by namespace and device."""
    out = {}
    for nsname in (SUB, RTR, INET):
        r = ns(nsname, "ip", "-j", "-s", "link", capture_output=True,
               text=True)
        for d in json.loads(r.stdout or "[]"):
            st = d.get("stats64", {})
            n = st.get("rx", {}).get("dropped", 0) + \
                st.get("tx", {}).get("dropped", 0)
            if n:
                out["%s/%s" % (nsname, d["ifname"])] = n
    return out


def test_ten_reloads_under_traffic(rlab):
    lab = rlab
    before = drops(lab)
    v0 = telemetry("/cgnat/config")["version"]
    dl = os.path.join(lab.tmp, "big.http")
    ftp = os.path.join(lab.tmp, "big.ftp")
    # about 12 s each at these rates, so every reload lands mid-transfer
    http = subprocess.Popen(
        ["ip", "netns", "exec", SUB, "curl", "-sS", "--max-time", "120",
         "--limit-rate", "2M", "-o", dl, "http://192.0.2.80:8080/big.bin"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ftpc = subprocess.Popen(
        ["ip", "netns", "exec", SUB, "curl", "-sS", "--max-time", "120",
         "--limit-rate", "2M"] + FTP_MODES["active-port"] +
        ["-o", ftp, "ftp://192.0.2.80/big.bin"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    udp = subprocess.Popen(
        ["ip", "netns", "exec", SUB, "/usr/bin/python3", "-c", UDP_STREAM,
         "12000", "1000"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    # the flood: iperf3's UDP at 40 Mbit/s (about 3500 datagrams a second)
    flood = subprocess.Popen(
        ["ip", "netns", "exec", SUB, "iperf3", "-c", "192.0.2.80", "-u",
         "-b", "40M", "-t", "12", "-J"], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    time.sleep(1)
    results = []
    for i in range(1, 11):
        write_conf(lab, conf_variant(lab.base, i))
        if i % 2:
            lab.proc.send_signal(signal.SIGHUP)
            deadline = time.time() + 10
            while telemetry("/cgnat/config")["version"] != v0 + i:
                assert time.time() < deadline, lab.output()
                time.sleep(0.2)
            results.append("applied")
        else:
            r = ctl("reload", "--json")
            results.append(re.search(r'"result": "(\w+)"', r.stdout)
                           .group(1))
        time.sleep(0.8)
    assert results == ["applied"] * 10, results
    out, _ = http.communicate(timeout=120)
    assert http.returncode == 0, out
    out, _ = ftpc.communicate(timeout=120)
    assert ftpc.returncode == 0, out
    out, _ = udp.communicate(timeout=60)
    fl, _ = flood.communicate(timeout=60)
    assert flood.returncode == 0, fl
    fl = json.loads(fl)["end"]["sum"]
    print("iperf3 flood: %d datagrams, %d lost" % (fl["packets"],
                                                   fl["lost_packets"]))
    assert fl["lost_packets"] == 0, fl
    after = drops(lab)
    grew = {k: after[k] - before.get(k, 0) for k in after
            if after[k] != before.get(k, 0)}
    # link-layer chatter of the lab's kernels (ARP for others, broadcasts)
    # is all that may be dropped; no reason a reload could cause
    assert set(grew) <= {"multicast_or_broadcast", "not_ipv4",
                         "arp_ignored"}, grew
    m = re.match(r"sent=(\d+) got=(\d+) peers=(\S+)", out)
    assert m, out
    # Every datagram came back, or the few that did not were dropped by
    # the test's own sockets (two busy CPUs starve the Python ends), which
    # the kernel counts: never in cgnat or on its ports.
    lost = int(m.group(1)) - int(m.group(2))
    own = socket_drops(SUB, 40000) + socket_drops(INET, 9998)
    missed = port_missed()
    assert lost == 0 or (lost <= own and missed == 0), \
        (out, "socket drops %d" % own, "port misses %d" % missed,
         "link drops %s" % link_drops())
    assert "," not in m.group(3), out             # one mapping throughout
    big = sha(os.path.join(lab.www, "big.bin"))
    assert sha(dl) == big
    assert sha(ftp) == big
    conf = telemetry("/cgnat/config")
    assert conf["version"] == v0 + 10 and conf["refused"] == 0, conf
    assert conf["reloads"] == 10, conf
    audit = [l for l in lab.output().splitlines()
             if "config reloaded by" in l]
    assert len(audit) == 10, lab.output()
    assert any("by signal" in l for l in audit)
    assert any("by command" in l for l in audit)
    assert any("tenants[business] (added)" in l for l in audit), audit
    assert any("tenants[business] (removed)" in l for l in audit), audit


def test_versions_kept_and_diffed(rlab):
    lab = rlab
    conf = telemetry("/cgnat/config")
    files = sorted(os.listdir(lab.versions))
    assert len(files) == conf["version"], files
    with open(os.path.join(lab.versions, files[-1])) as f:
        assert f.read() == open(lab.conf).read()
    r = ctl("config", "diff", str(conf["version"] - 1), str(conf["version"]),
            check=False)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "~ tenants[residential].limits.sessions: 4009 -> 4010" in r.stdout
    # what a reload of the file as it stands would change: nothing
    r = ctl("config", "diff", check=False)
    assert r.returncode == 0 and r.stdout == "", r.stdout + r.stderr


def test_refused_reload_changes_nothing(rlab):
    lab = rlab
    before = telemetry("/cgnat/config")
    good = open(lab.conf).read()
    try:
        write_conf(lab, good.replace("workers: 2", "workers: 1")
                   .replace("sessions: 4010", "sessions: 77"))
        r = ctl("reload", check=False)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "dataplane.workers: takes effect only at a restart" in r.stderr
        write_conf(lab, good.replace("pool: public", "pool: nowhere", 1))
        r = ctl("reload", check=False)
        assert r.returncode == 1
        assert re.search(r"lab\.yaml:\d+:\d+: tenants\[0\]\.pool: ", r.stderr), \
            r.stderr
        # a versions directory others may write to is not written as root
        write_conf(lab, good.replace("sessions: 4010", "sessions: 78"))
        os.chmod(lab.versions, 0o777)
        try:
            r = ctl("reload", check=False)
        finally:
            os.chmod(lab.versions, 0o755)
        assert r.returncode == 1
        assert "config_versions.dir: %s must belong to uid 0 and not be " \
            "writable by group or others" % lab.versions in r.stderr, r.stderr
        write_conf(lab, good.replace("pool: public", "pool: nowhere", 1))
        lab.proc.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert lab.proc.poll() is None
        after = telemetry("/cgnat/config")
        assert after["version"] == before["version"]
        assert after["refused"] == before["refused"] + 4
        assert sorted(os.listdir(lab.versions))[-1] == \
            "%06d.yaml" % before["version"]
        # still translating with what runs
        r = ns(SUB, "curl", "-sS", "--max-time", "20", "-o", "/dev/null",
               "http://192.0.2.80:8080/big.bin", capture_output=True)
        assert r.returncode == 0
    finally:
        write_conf(lab, good)


def ftp_fixture_file(lab, name):
    """A 64 KiB file the lab's FTP server serves; (path, url)."""
    path = os.path.join(lab.www, name)
    with open(path, "wb") as f:
        f.write(os.urandom(64 * 1024))
    return path, "ftp://192.0.2.80/" + name


def ftp_counters_after_reload(lab, text, key):
    """Apply text live (its diff must name key); the FTP counters then."""
    write_conf(lab, text)
    r = ctl("reload")
    assert key in r.stdout, r.stdout
    return telemetry("/cgnat/alg,residential")["residential/ftp"]


def active_ftp_get(out, url, seconds):
    return ns(SUB, "curl", "-sS", "--max-time", str(seconds),
              *FTP_MODES["active-port"], "-o", out, url,
              capture_output=True, text=True)


def test_alg_switched_off_and_on(rlab):
    """Active FTP needs the ALG: off, the PORT goes out unrewritten and the
    server cannot connect back; on again, it works."""
    lab = rlab
    good = open(lab.conf).read()
    out = os.path.join(lab.tmp, "alg.ftp")
    small, url = ftp_fixture_file(lab, "small.bin")
    try:
        n0 = ftp_counters_after_reload(
            lab, good.replace("ftp: {enabled: true", "ftp: {enabled: false"),
            "alg_policies[standard].ftp.enabled")
        r = active_ftp_get(out, url, 15)
        n1 = telemetry("/cgnat/alg,residential")["residential/ftp"]
        assert r.returncode != 0, "active FTP worked with the ALG off"
        assert n1["rewritten"] == n0["rewritten"], (n0, n1)
        write_conf(lab, good)
        ctl("reload")
        r = active_ftp_get(out, url, 30)
        assert r.returncode == 0, r.stderr
        assert sha(out) == sha(small)
        n2 = telemetry("/cgnat/alg,residential")["residential/ftp"]
        assert n2["rewritten"] > n1["rewritten"]
    finally:
        write_conf(lab, good)


def test_alg_monitor_mode_live(rlab):
    """Live to monitor mode: the ALG counts the PORT it would rewrite and
    changes nothing, so active FTP fails as with the ALG off; back to
    rewrite, it works. A reload enabling an ALG this build lacks is
    refused, naming the key."""
    lab = rlab
    good = open(lab.conf).read()
    out = os.path.join(lab.tmp, "alg-mon.ftp")
    small, url = ftp_fixture_file(lab, "small-mon.bin")
    try:
        n0 = ftp_counters_after_reload(
            lab, good.replace("ftp: {enabled: true",
                              "ftp: {enabled: true, mode: monitor"),
            "alg_policies[standard].ftp.mode")
        r = active_ftp_get(out, url, 15)
        n1 = telemetry("/cgnat/alg,residential")["residential/ftp"]
        assert r.returncode != 0, "active FTP worked in monitor mode"
        assert n1["rewritten"] == n0["rewritten"], (n0, n1)
        assert n1["pinholes_opened"] == n0["pinholes_opened"], (n0, n1)
        assert n1["monitor_rewrites"] > n0["monitor_rewrites"], (n0, n1)
        assert n1["monitor_pinholes"] > n0["monitor_pinholes"], (n0, n1)
        shown = ctl("show", "alg", "residential").stdout.splitlines()
        cols = shown[0].split()
        ftp = [ln.split() for ln in shown if ln.split()[1:2] == ["ftp"]][0]
        assert int(ftp[cols.index("MON-REWRITES")]) == \
            n1["monitor_rewrites"], shown

        write_conf(lab, good)
        ctl("reload")
        r = active_ftp_get(out, url, 30)
        assert r.returncode == 0, r.stderr
        assert sha(out) == sha(small)

        write_conf(lab, good.replace("ftp: {enabled: true",
                                     "pptp: {}\n    ftp: {enabled: true"))
        r = ctl("reload", check=False)
        assert r.returncode == 1, r.stdout + r.stderr
        assert re.search(r"lab\.yaml:\d+:\d+: alg_policies\[0\]\.pptp: "
                         r"the pptp ALG is not implemented", r.stderr), \
            r.stderr
    finally:
        write_conf(lab, good)
        ctl("reload", check=False)
