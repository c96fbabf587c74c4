#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""The same traffic through cgnat and through Linux's nftables NAT, in the
e2e namespace lab (tests/e2e/lab.sh), with offloads off:

  - small-packet UDP: packets per second received by the internet host;
  - TCP: connections per second (connect, accept, close) completed.

Prints both and their ratio. The traffic generators are Python processes
on the same 2 CPUs as the NAT, so on a small machine the figures bound the
lab, not the NAT alone; they compare the two NATs under equal conditions.

  bench/lab-compare.py [BUILD_DIR] [--seconds N]
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

UDP_SINK = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind(("192.0.2.80", 9000))
s.settimeout(0.5)
n = 0
first = last = None
end = time.time() + float(sys.argv[1]) + 5
while time.time() < end:
    try:
        s.recv(64)
    except socket.timeout:
        if first is not None:
            break
        continue
    last = time.time()
    if first is None:
        first = last
    n += 1
print(n, (last - first) if first else 0)
"""

UDP_SOURCE = r"""
import socket, sys, time
end = time.time() + float(sys.argv[1])
socks = []
for i in range(8):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("100.64.0.10", 42000 + i))
    socks.append(s)
msg = b"x" * 18
dst = ("192.0.2.80", 9000)
sent = 0
while time.time() < end:
    for s in socks:
        for _ in range(64):
            try:
                s.sendto(msg, dst)
                sent += 1
            except OSError:
                pass
print(sent)
"""

TCP_SERVER = r"""
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.80", 9001))
s.listen(1024)
while True:
    c, _ = s.accept()
    c.close()
"""

TCP_CLIENT = r"""
import socket, sys, time
end = time.time() + float(sys.argv[1])
n = 0
start = time.time()
while time.time() < end:
    c = socket.socket()
    c.settimeout(1)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    try:
        c.connect(("192.0.2.80", 9001))
        n += 1
    except OSError:
        pass
    c.close()
print(n, time.time() - start)
"""


def py(nsname, code, *args, **kw):
    return subprocess.Popen(["ip", "netns", "exec", nsname, "/usr/bin/python3",
                             "-c", code] + [str(a) for a in args],
                            stdout=subprocess.PIPE, text=True, **kw)


def measure(mode, seconds):
    from labutil import Lab, wait_port, INET, SUB
    # Every connection takes a new port: allow the subscriber many blocks.
    lab = Lab(mode=mode, nat_extra="  limits: {sessions: 131072, "
              "port_blocks: 250}")
    try:
        lab.start()
        sink = py(INET, UDP_SINK, seconds)
        time.sleep(0.5)
        src = py(SUB, UDP_SOURCE, seconds)
        sent = int(src.communicate(timeout=seconds + 30)[0].split()[0])
        got, span = sink.communicate(timeout=seconds + 30)[0].split()
        udp_pps = int(got) / float(span) if float(span) > 0 else 0.0
        srv = py(INET, TCP_SERVER)
        lab.bg.append(srv)
        wait_port(INET, "192.0.2.80", 9001)
        cli = py(SUB, TCP_CLIENT, seconds)
        n, span = cli.communicate(timeout=seconds + 30)[0].split()
        return {"udp_sent": sent, "udp_received": int(got),
                "udp_pps": udp_pps, "tcp_cps": int(n) / float(span)}
    finally:
        lab.teardown()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default="build")
    ap.add_argument("--seconds", type=float, default=5)
    a = ap.parse_args()
    os.environ["CGNAT_BUILD"] = os.path.join(ROOT, a.build)
    res = {m: measure(m, a.seconds) for m in ("cgnat", "linux")}
    print("%-34s %14s %14s %8s" % ("figure", "cgnat", "linux", "ratio"))
    for key, label in (("udp_pps", "UDP 18-byte payload, pkts/s rcvd"),
                       ("tcp_cps", "TCP connections/s")):
        c, l = res["cgnat"][key], res["linux"][key]
        print("%-34s %14.0f %14.0f %8.2f" % (label, c, l, c / l if l else 0))
    for m in res:
        print("%s: UDP sent %d, received %d" % (
            m, res[m]["udp_sent"], res[m]["udp_received"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
