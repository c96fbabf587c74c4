# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""The soak's traffic programs, run inside the lab's namespaces by
soak.py (ip netns exec NS /usr/bin/python3 peers.py COMMAND ARGS...).

Every client stops by itself after its number of seconds and prints one
JSON line of figures; soak.py judges them. The servers are killed with
the lab. Nothing here sends anywhere but the lab's server address."""

import ipaddress
import json
import random
import selectors
import socket
import sys
import threading
import time

SERVER = "192.0.2.80"
POOL = ipaddress.ip_network("203.0.113.0/28")
# A UDP client that gets no answer sends again, like any resolver would.
UDP_TRIES = 3
UDP_WAIT = 1.0


def tcp_echo_server(port):
    """Echo each line back, after the peer's address as seen here."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((SERVER, int(port)))
    ls.listen(16)

    def serve(c, peer):
        tag = ("%s:%d|" % peer).encode()
        with c, c.makefile("rb") as f:
            for line in f:
                c.sendall(tag + line)

    while True:
        c, peer = ls.accept()
        threading.Thread(target=serve, args=(c, peer), daemon=True).start()


def answer_of(data):
    """(external endpoint, payload) of an echo server's answer."""
    head, _, payload = data.partition(b"|")
    addr, _, port = head.decode(errors="replace").partition(":")
    return (addr, port), payload


def in_pool(endpoint):
    try:
        return ipaddress.ip_address(endpoint[0]) in POOL
    except ValueError:
        return False


def udp_live(src, seconds, interval):
    """One UDP flow for the whole run: a request every interval, each
    answered (after at most UDP_TRIES sends) from one external endpoint."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 41000))
    st = {"requests": 0, "answered": 0, "resent": 0, "unanswered": 0,
          "late": 0, "bad": 0, "endpoints": []}
    end = time.monotonic() + float(seconds)
    seq = 0
    while time.monotonic() < end:
        seq += 1
        msg = b"live %d" % seq
        st["requests"] += 1
        ok = False
        for attempt in range(UDP_TRIES):
            if attempt:
                st["resent"] += 1
            s.sendto(msg, (SERVER, 9999))
            limit = time.monotonic() + UDP_WAIT
            while not ok and time.monotonic() < limit:
                s.settimeout(max(0.01, limit - time.monotonic()))
                try:
                    data = s.recv(2048)
                except socket.timeout:
                    break
                ep, payload = answer_of(data)
                if payload != msg:
                    st["late"] += 1
                    continue
                if not in_pool(ep):
                    st["bad"] += 1
                ep = "%s:%s" % ep
                if ep not in st["endpoints"]:
                    st["endpoints"].append(ep)
                ok = True
            if ok:
                break
        st["answered" if ok else "unanswered"] += 1
        time.sleep(interval)
    print(json.dumps(st))


def tcp_live(src, seconds, interval):
    """One TCP connection for the whole run, a line echoed every interval."""
    st = {"requests": 0, "answered": 0, "error": "", "endpoints": []}
    end = time.monotonic() + float(seconds)
    try:
        c = socket.create_connection((SERVER, 9998), timeout=20,
                                     source_address=(src, 0))
        f = c.makefile("rb")
        seq = 0
        while time.monotonic() < end:
            seq += 1
            msg = b"live %d\n" % seq
            st["requests"] += 1
            c.sendall(msg)
            ep, payload = answer_of(f.readline())
            if payload != msg:
                st["error"] = "answer %r to %r" % (payload, msg)
                break
            ep = "%s:%s" % ep
            if ep not in st["endpoints"]:
                st["endpoints"].append(ep)
            st["answered"] += 1
            time.sleep(interval)
        c.close()
    except OSError as e:
        st["error"] = "%s after %d answers" % (e, st["answered"])
    print(json.dumps(st))


class Flow:
    """One short UDP flow of the churn: a few exchanges, then idle."""

    def __init__(self, src, uses, now):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setblocking(False)
        self.sock.bind((src, 0))
        self.left = uses
        self.n = 0
        self.tries = 0
        self.deadline = now

    def send(self, now):
        self.msg = b"churn %d:%d" % (self.sock.getsockname()[1], self.n)
        self.sock.sendto(self.msg, (SERVER, 9999))
        self.tries += 1
        self.deadline = now + UDP_WAIT


def udp_churn(first, count, seconds, rate, max_open):
    """New UDP flows at a bounded rate, each from a random one of count
    subscriber addresses starting at first, each using its session one
    to three times and then leaving it to expire."""
    base = int(ipaddress.ip_address(first))
    addrs = [str(ipaddress.ip_address(base + i)) for i in range(int(count))]
    rate = float(rate)
    max_open = int(max_open)
    sel = selectors.DefaultSelector()
    st = {"flows": 0, "exchanges": 0, "resent": 0, "failed": 0,
          "bad": 0, "deferred": 0, "bytes": 0, "subscribers": len(addrs)}
    rng = random.Random(7)
    start = time.monotonic()
    end = start + float(seconds)

    def done(fl):
        sel.unregister(fl.sock)
        fl.sock.close()

    while True:
        now = time.monotonic()
        due = int((min(now, end) - start) * rate) - st["flows"]
        for _ in range(max(0, due)):
            if len(sel.get_map()) >= max_open:
                st["deferred"] += 1
                st["flows"] += 1
                continue
            fl = Flow(rng.choice(addrs), rng.randint(1, 3), now)
            fl.send(now)
            st["bytes"] += len(fl.msg)
            sel.register(fl.sock, selectors.EVENT_READ, fl)
            st["flows"] += 1
        if now >= end and not sel.get_map():
            break
        for key, _ in sel.select(timeout=0.02):
            fl = key.data
            try:
                data = fl.sock.recv(2048)
            except OSError:
                continue
            ep, payload = answer_of(data)
            if payload != fl.msg:
                continue  # an answer to a resent copy
            if not in_pool(ep):
                st["bad"] += 1
            st["exchanges"] += 1
            st["bytes"] += len(data)
            fl.left -= 1
            fl.n += 1
            fl.tries = 0
            if fl.left == 0:
                done(fl)
            else:
                fl.send(time.monotonic())
                st["bytes"] += len(fl.msg)
        now = time.monotonic()
        for key in list(sel.get_map().values()):
            fl = key.data
            if now < fl.deadline:
                continue
            if fl.tries >= UDP_TRIES:
                st["failed"] += 1
                done(fl)
            else:
                st["resent"] += 1
                fl.send(now)
        # the whole run is bounded even if answers stop coming
        if now > end + UDP_TRIES * UDP_WAIT + 5:
            st["failed"] += len(sel.get_map())
            break
    print(json.dumps(st))


COMMANDS = {
    "tcp-echo-server": (tcp_echo_server, [str]),
    "udp-live": (udp_live, [str, float, float]),
    "tcp-live": (tcp_live, [str, float, float]),
    "udp-churn": (udp_churn, [str, int, float, float, int]),
}

if __name__ == "__main__":
    fn, types = COMMANDS[sys.argv[1]]
    fn(*[t(a) for t, a in zip(types, sys.argv[2:])])
