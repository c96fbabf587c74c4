#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Soak: cgnat with two workers in the namespace lab for a long time, with
traffic that creates, uses and expires sessions all the time, checked
every few seconds and at the end. See docs/testing.md (Soak).

Usage: tests/soak/soak.py [--seconds N] [--build DIR]
(SOAK_SECONDS sets the default duration; CGN_LAB_PREFIX, default soak, the
lab's names, so the soak can run beside the e2e tests.) Exits 1 on any
violation, after a summary."""

import argparse
import hashlib
import ipaddress
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# A lab of its own, beside any e2e run: lab.sh and labutil read this.
os.environ.setdefault("CGN_LAB_PREFIX", "soak")
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import labutil  # noqa: E402
from labutil import (Lab, ns, telemetry_query, wait_port,  # noqa: E402
                     FTP_MODES, INET, SUB, UDP_SERVER)

PY = "/usr/bin/python3"
PEERS = os.path.join(HERE, "peers.py")
SERVER = "192.0.2.80"
LIVE_SRC = "100.64.0.10"	# lab.sh's address: the long-lived flows
CHURN_FIRST = "100.64.1.1"	# then --subscribers more, for the churn

# Short timeouts, so that sessions expire all the time during the run. The
# live flows talk every LIVE_INTERVAL seconds, well inside them.
TIMEOUTS = {"udp": 6, "icmp": 5, "tcp_established": 30,
            "tcp_transitory": 10, "tcp_time_wait": 3}
PORT_REUSE_DELAY = 3
PINHOLE_TIMEOUT = 30	# labutil's ALG policy keeps the default
LIVE_INTERVAL = 0.5
NAT_EXTRA = ("  allow_short_timeouts: true\n"
             "  port_reuse_delay: %d\n"
             "  timeouts: {%s}\n" % (PORT_REUSE_DELAY, ", ".join(
                 "%s: %d" % kv for kv in sorted(TIMEOUTS.items()))))
# Everything must be gone this long after the traffic stops.
DRAIN_MAX = max(TIMEOUTS.values()) + PINHOLE_TIMEOUT + PORT_REUSE_DELAY + 30

# Counters read during traffic come from several per-lcore lines read one
# after the other, so two figures can be a few packets or sessions apart;
# at the end, with no traffic, the same relations must hold exactly.
READ_SLACK = 512

# Drops that mean a leak or a broken packet with this lab's config and
# traffic: none may happen. The others (arp_timeout should a first contact
# go unanswered, no_session for a straggler after its session expired) are
# reported.
MUST_BE_ZERO = ["session_table_full", "subscriber_session_limit",
                "subscriber_table_full", "ports_exhausted", "pool_exhausted",
                "no_mbuf", "fragment_table_full", "bad_ip_checksum",
                "bad_ip_header", "bad_ip_length", "bad_l4_header",
                "mtu_exceeded", "bad_udp_length", "bad_tcp_offset",
                "fragment_oversize", "martian_source", "icmp_error_spoofed",
                "expect_conflict", "alg_no_state", "alg_unrewritable"]

QUERIES = ["/cgnat/workers", "/cgnat/nat", "/cgnat/interfaces",
           "/cgnat/drops", "/ethdev/stats,0", "/ethdev/stats,1"]


class Soak:
    def __init__(self, args):
        self.args = args
        self.violations = []
        self.figures = {"transfers": {}, "transfer_bytes": 0,
                        "ftp_active_races": 0,
                        "max_sessions": 0, "max_mappings": 0,
                        "max_port_blocks": 0, "max_pinholes": 0,
                        "samples": 0}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.lab = Lab(workers=2, nat_extra=NAT_EXTRA)
        self.prev = None
        self.base = None

    def violation(self, what):
        with self.lock:
            self.violations.append("%6.0fs %s" % (self.elapsed(), what))
        print("VIOLATION: " + what, flush=True)

    def elapsed(self):
        return time.monotonic() - self.t0 if hasattr(self, "t0") else 0.0

    # ---- the lab ----

    def churn_addrs(self):
        first = ipaddress.ip_address(CHURN_FIRST)
        return [str(first + i) for i in range(self.args.subscribers)]

    def setup(self):
        self.lab.start()
        ns(SUB, "ip", "-batch", "-", check=True, text=True,
           input="".join("addr add %s/10 dev veth-sub-h\n" % a
                         for a in self.churn_addrs()))
        self.files = tempfile.mkdtemp(prefix="cgn-soak-srv-")
        os.chmod(self.files, 0o777)
        self.blobs = {}
        for size in (64 * 1024 + 1, 1024 * 1024 + 7, 4 * 1024 * 1024 + 33):
            name = "blob-%d" % size
            data = os.urandom(size)
            with open(os.path.join(self.files, name), "wb") as f:
                f.write(data)
            os.chmod(os.path.join(self.files, name), 0o666)
            self.blobs[name] = hashlib.sha256(data).hexdigest()
        bg = self.lab.background
        bg(INET, PY, "-c", UDP_SERVER)
        bg(INET, PY, PEERS, "tcp-echo-server", "9998")
        bg(INET, PY, "-m", "http.server", "--bind", SERVER,
           "--directory", self.files, "8080")
        bg(INET, PY, "-m", "pyftpdlib", "-i", SERVER, "-p", "21",
           "-d", self.files, "-w", log="ftpd.log")
        for port in (9998, 8080, 21):
            wait_port(INET, SERVER, port)
        # cgnat learns each subscriber's MAC from the ARP reply to its
        # first answer (held until the reply comes); warm every address up.
        ns(SUB, "sh", "-c", "for a in %s; do ping -q -c 2 -i 0.5 -W 1 -I $a "
           "100.64.0.1 >/dev/null & done; wait" % " ".join(self.churn_addrs()))

    def rss_kib(self):
        try:
            with open("/proc/%d/status" % self.lab.proc.pid) as f:
                m = re.search(r"VmRSS:\s+(\d+)", f.read())
            return int(m.group(1))
        except (OSError, AttributeError):
            return 0

    # ---- traffic ----

    def peer(self, *args):
        p = subprocess.Popen(["ip", "netns", "exec", SUB, PY, PEERS] +
                             [str(a) for a in args], stdout=subprocess.PIPE,
                             text=True)
        self.lab.bg.append(p)
        return p

    def curl(self, *args):
        # curl's own limits bound each transfer; the extra minute is for a
        # machine so loaded that curl cannot even give up on time. -v: the
        # dialogue goes into a violation's report.
        return ns(SUB, "curl", "-sSv", "--max-time", "120", "--limit-rate",
                  self.args.rate, "--interface",
                  random.choice(self.churn_addrs()), *args,
                  capture_output=True, text=True, timeout=180)

    def curl_failed(self, what, r):
        tail = [l for l in r.stderr.splitlines() if not l.startswith("{")]
        self.violation("%s: curl exit %d; its last words:\n      %s" % (
            what, r.returncode, "\n      ".join(tail[-12:])))

    def curl_ftp(self, kind, mode, *args):
        """curl in one of FTP_MODES. In an active mode, curl 7.88 gives up
        (exit 8, "Ctrl conn has data while waiting for data conn") when
        the server's reply on the control connection overtakes the data
        connection it opened: one lost or late handshake ACK on a loaded
        machine is enough. That is curl's race, not the NAT's; a user
        would run the transfer again, and so does this, once."""
        r = self.curl(*FTP_MODES[mode], *args)
        if r.returncode == 8 and mode.startswith("active") and \
                "Ctrl conn has data while waiting for data conn" in r.stderr:
            with self.lock:
                self.figures["ftp_active_races"] += 1
            print("note: %s: curl's active-mode race, once more" % kind,
                  flush=True)
            r = self.curl(*FTP_MODES[mode], *args)
        return r

    def count(self, kind, nbytes):
        with self.lock:
            t = self.figures["transfers"]
            t[kind] = t.get(kind, 0) + 1
            self.figures["transfer_bytes"] += nbytes

    def http_loop(self):
        out = os.path.join(self.lab.tmp, "http.dl")
        while not self.stop.is_set():
            name = random.choice(sorted(self.blobs))
            r = self.curl("-o", out, "http://%s:8080/%s" % (SERVER, name))
            if r.returncode != 0:
                self.curl_failed("http " + name, r)
                continue
            with open(out, "rb") as f:
                data = f.read()
            if hashlib.sha256(data).hexdigest() != self.blobs[name]:
                self.violation("http %s: %d bytes, not the file" %
                               (name, len(data)))
            self.count("http-get", len(data))

    def ftp_loop(self):
        modes = sorted(FTP_MODES)
        out = os.path.join(self.lab.tmp, "ftp.dl")
        n = 0
        while not self.stop.is_set():
            # get and put alternate; each goes through the four modes
            mode = modes[(n // 2) % len(modes)]
            kind = "ftp-%s-%s" % ("get" if n % 2 == 0 else "put", mode)
            if n % 2 == 0:
                name = random.choice(sorted(self.blobs))
                r = self.curl_ftp(kind, mode, "-o", out,
                                  "ftp://%s/%s" % (SERVER, name))
                path, want = out, self.blobs[name]
            else:
                data = os.urandom(random.randint(1, 768 * 1024))
                src = os.path.join(self.lab.tmp, "ftp.up")
                with open(src, "wb") as f:
                    f.write(data)
                name = "up-%d" % n
                r = self.curl_ftp(kind, mode, "-T", src,
                                  "ftp://%s/%s" % (SERVER, name))
                path = os.path.join(self.files, name)
                want = hashlib.sha256(data).hexdigest()
            n += 1
            if r.returncode != 0:
                self.curl_failed("%s %s" % (kind, name), r)
                continue
            with open(path, "rb") as f:
                data = f.read()
            if path != out:
                os.unlink(path)
            if hashlib.sha256(data).hexdigest() != want:
                self.violation("%s %s: %d bytes, not the file" %
                               (kind, name, len(data)))
            self.count(kind, len(data))

    # ---- checks ----

    def read(self):
        """One telemetry sample, tried twice (a client would retry)."""
        for attempt in range(2):
            try:
                return telemetry_query(QUERIES)
            except (AssertionError, subprocess.TimeoutExpired) as e:
                err = e
                time.sleep(1)
        self.violation("telemetry does not answer: %s" % err)
        return None

    @staticmethod
    def totals(s):
        w = s["/cgnat/workers"].values()
        ifs = s["/cgnat/interfaces"].values()
        return {
            "w_rx": sum(x["rx_packets"] for x in w),
            "w_tx": sum(x["tx_packets"] for x in w),
            "w_drops": sum(x["drops"] for x in w),
            "rx": sum(x["rx_packets"] for x in ifs),
            "tx": sum(x["tx_packets"] for x in ifs),
            # a packet sent as n fragments is n - 1 more sent
            "generated": sum(x["arp_requests"] + x["icmp_errors_sent"] +
                             x.get("fragments_sent", 0) -
                             x.get("packets_fragmented", 0) for x in ifs),
            "drops": sum(s["/cgnat/drops"].values()),
        }

    def relations(self, s, slack):
        """What must hold between figures of one sample (within slack)."""
        bad = []
        nat = s["/cgnat/nat"]
        t = self.totals(s)

        def near(what, a, b):
            if abs(a - b) > slack:
                bad.append("%s: %d vs %d" % (what, a, b))

        def not_behind(what, later, earlier):
            # Figures of two queries: QUERIES are answered in order, and a
            # loaded machine may pause between two, so during traffic the
            # later one can only be ahead. At the end they must be equal.
            if later < earlier - slack or (slack == 0 and later != earlier):
                bad.append("%s: %d vs %d" % (what, later, earlier))

        near("sessions created - expired vs live",
             nat["sessions_created"] - nat["sessions_expired"],
             nat["sessions"])
        # Every packet received is sent or dropped; the ARP requests and
        # ICMP errors cgnat makes are sent (or dropped) on top, and an
        # ICMP error also counts its packet's drop.
        near("rx + generated vs tx + drops", t["w_rx"] + t["generated"],
             t["w_tx"] + t["w_drops"])
        not_behind("drops by reason vs by worker", t["drops"], t["w_drops"])
        not_behind("rx by interface vs by worker", t["rx"], t["w_rx"])
        not_behind("tx by interface vs by worker", t["tx"], t["w_tx"])
        for name, c in s["/cgnat/interfaces"].items():
            eth = s["/ethdev/stats,%d" % c["port_id"]]
            not_behind("%s: received by the port vs by cgnat" % name,
                       eth["ipackets"], c["rx_packets"])
            not_behind("%s: sent by the port vs by cgnat" % name,
                       eth["opackets"], c["tx_packets"])
        if nat["sessions"] > nat["max_sessions"]:
            bad.append("sessions %d > max %d" % (nat["sessions"],
                                                  nat["max_sessions"]))
        if nat["port_blocks"] > nat["port_blocks_total"]:
            bad.append("port blocks %d > %d" % (nat["port_blocks"],
                                                 nat["port_blocks_total"]))
        return bad

    def check(self, s):
        """Periodic checks of one sample against the last one."""
        nat = s["/cgnat/nat"]
        f = self.figures
        f["samples"] += 1
        for k in ("sessions", "mappings", "port_blocks", "pinholes"):
            f["max_" + k] = max(f["max_" + k], nat[k])
        for b in self.relations(s, READ_SLACK):
            self.violation(b)
        for reason in MUST_BE_ZERO:
            if s["/cgnat/drops"].get(reason, 0):
                self.violation("drops %s = %d" % (reason,
                                                  s["/cgnat/drops"][reason]))
        for q in QUERIES:
            if q.startswith("/ethdev/stats") and s[q]["rx_nombuf"]:
                self.violation("%s rx_nombuf = %d" % (q, s[q]["rx_nombuf"]))
        if nat["memory_bytes"] != self.base["/cgnat/nat"]["memory_bytes"]:
            self.violation("NAT memory %d bytes, was %d" % (
                nat["memory_bytes"], self.base["/cgnat/nat"]["memory_bytes"]))
        p = self.prev
        for w, c in s["/cgnat/workers"].items():
            if c["loops"] <= p["/cgnat/workers"][w]["loops"]:
                self.violation("%s stalled: %d loops, as before" %
                               (w, c["loops"]))
            for k in ("rx_packets", "tx_packets", "drops"):
                if c[k] < p["/cgnat/workers"][w][k]:
                    self.violation("%s %s went back" % (w, k))
        for k in ("sessions_created", "sessions_expired"):
            if nat[k] < p["/cgnat/nat"][k]:
                self.violation("%s went back" % k)
        for k, v in s["/cgnat/drops"].items():
            if v < p["/cgnat/drops"].get(k, 0):
                self.violation("drops %s went back" % k)
        rss = self.rss_kib()
        f["rss_max_kib"] = max(f.get("rss_max_kib", 0), rss)
        if not self.args.quiet:
            w = s["/cgnat/workers"]
            print("%6.0fs sessions %6d created %8d expired %8d mappings %5d "
                  "blocks %4d pinholes %3d rx %9d loops %s rss %d MiB" % (
                      self.elapsed(), nat["sessions"],
                      nat["sessions_created"], nat["sessions_expired"],
                      nat["mappings"], nat["port_blocks"], nat["pinholes"],
                      self.totals(s)["w_rx"],
                      "/".join("+%d" % (w[k]["loops"] -
                                        p["/cgnat/workers"][k]["loops"])
                               for k in sorted(w)), rss // 1024), flush=True)
        self.prev = s

    def drained(self, s):
        nat = s["/cgnat/nat"]
        return all(nat[k] == 0 for k in ("sessions", "mappings",
                                          "subscribers", "port_blocks",
                                          "pinholes"))

    def final_checks(self):
        """Once the traffic stopped: everything expires, the counters add
        up exactly, and SIGTERM gives every mbuf back."""
        deadline = time.monotonic() + DRAIN_MAX
        s = None
        while time.monotonic() < deadline:
            s = self.read()
            if s is not None and self.drained(s):
                break
            time.sleep(1)
        if s is None:
            return
        nat = s["/cgnat/nat"]
        if not self.drained(s):
            self.violation("not all expired %ds after the traffic: %s" %
                           (DRAIN_MAX, nat))
        if nat["sessions_created"] != nat["sessions_expired"]:
            self.violation("sessions created %d, expired %d" % (
                nat["sessions_created"], nat["sessions_expired"]))
        # Quiet now, but the kernels may still ARP: a few tries to find a
        # moment when no packet is in flight between two reads.
        for attempt in range(10):
            s = self.read() or s
            bad = self.relations(s, 0)
            if not bad:
                break
            time.sleep(1)
        for b in bad:
            self.violation("at the end, " + b)
        self.final = s
        self.figures["rss_end_kib"] = self.rss_kib()
        growth = self.figures["rss_end_kib"] - self.figures["rss_base_kib"]
        # Records first touched late may add pages, never beyond the NAT's
        # preallocated tables; anything more is a leak.
        bound = nat["memory_bytes"] // 1024 + 64 * 1024
        if growth > bound:
            self.violation("cgnat RSS grew %d KiB (bound %d)" %
                           (growth, bound))
        rc, out = self.lab.stop()
        if rc != 0:
            self.violation("cgnat exit code %s" % rc)
        m = re.search(r"mbufs in use at exit: (\d+) of (\d+)", out)
        self.figures["mbufs_at_exit"] = m.group(0) if m else "?"
        if m is None or m.group(1) != "0":
            self.violation("mbufs not all back: %s" % (
                m.group(0) if m else "no report"))
        m = re.search(r"sessions: created (\d+), live (\d+), expired (\d+)",
                      out)
        if m is None or m.group(2) != "0" or m.group(1) != m.group(3):
            self.violation("exit report: %s" % (m.group(0) if m else
                                                 "no sessions line"))

    def check_peers(self, live_udp, live_tcp, churn):
        f = self.figures
        f["udp_live"], f["tcp_live"], f["udp_churn"] = live_udp, live_tcp, churn
        if live_udp is None or live_tcp is None or churn is None:
            self.violation("a traffic program gave no figures")
            return
        if live_udp["unanswered"] or live_udp["bad"] or \
                len(live_udp["endpoints"]) != 1:
            self.violation("long-lived UDP flow broke: %s" % live_udp)
        if live_tcp["error"] or live_tcp["answered"] != live_tcp["requests"] \
                or len(live_tcp["endpoints"]) != 1:
            self.violation("long-lived TCP connection broke: %s" % live_tcp)
        if churn["failed"] or churn["bad"] or churn["exchanges"] == 0:
            self.violation("UDP churn: %s" % churn)

    # ---- the run ----

    def run(self):
        a = self.args
        self.setup()
        self.t0 = time.monotonic()
        self.base = self.prev = self.read()
        if self.base is None:
            return
        self.figures["rss_base_kib"] = self.rss_kib()
        secs = a.seconds
        live_udp = self.peer("udp-live", LIVE_SRC, secs, LIVE_INTERVAL)
        live_tcp = self.peer("tcp-live", LIVE_SRC, secs, LIVE_INTERVAL)
        churn = self.peer("udp-churn", CHURN_FIRST, a.subscribers, secs,
                          a.flows_per_sec, 400)
        loops = [threading.Thread(target=fn, daemon=True)
                 for fn in (self.http_loop, self.ftp_loop)]
        for t in loops:
            t.start()
        end = self.t0 + secs
        while time.monotonic() < end:
            time.sleep(min(a.sample, max(0.0, end - time.monotonic())))
            if self.lab.proc.poll() is not None:
                self.violation("cgnat exited: %s" % self.lab.output()[-2000:])
                break
            s = self.read()
            if s is not None:
                self.check(s)
        self.stop.set()
        for t in loops:
            t.join(timeout=200)
        results = []
        for p in (live_udp, live_tcp, churn):
            try:
                line = p.communicate(timeout=60)[0].strip().splitlines()
                results.append(json.loads(line[-1]) if line else None)
            except (subprocess.TimeoutExpired, ValueError):
                p.kill()
                results.append(None)
        self.check_peers(*results)
        if self.lab.proc is not None and self.lab.proc.poll() is None:
            self.final_checks()

    def summary(self):
        f = self.figures
        print("\n==== soak summary (%s, %d s of traffic, %.0f s in all)" % (
            os.environ["CGN_LAB_PREFIX"], self.args.seconds, self.elapsed()))
        fin = getattr(self, "final", None) or self.prev or {}
        nat = fin.get("/cgnat/nat", {})
        print("samples: %d every %ss; workers never stalled: %s" % (
            f["samples"], self.args.sample,
            not any("stalled" in v for v in self.violations)))
        print("sessions created %s, expired %s; max live: sessions %d, "
              "mappings %d, port blocks %d, pinholes %d" % (
                  nat.get("sessions_created"), nat.get("sessions_expired"),
                  f["max_sessions"], f["max_mappings"],
                  f["max_port_blocks"], f["max_pinholes"]))
        print("final: sessions %s, mappings %s, subscribers %s, port blocks "
              "%s, pinholes %s; %s" % (
                  nat.get("sessions"), nat.get("mappings"),
                  nat.get("subscribers"), nat.get("port_blocks"),
                  nat.get("pinholes"), f.get("mbufs_at_exit", "no exit report")))
        c = f.get("udp_churn") or {}
        print("UDP churn: %s flows from %s subscribers, %s exchanges, %s "
              "bytes, %s resent, %s failed" % (
                  c.get("flows"), c.get("subscribers"), c.get("exchanges"),
                  c.get("bytes"), c.get("resent"), c.get("failed")))
        u, t = f.get("udp_live") or {}, f.get("tcp_live") or {}
        print("long-lived UDP: %s/%s answered (%s resent), endpoints %s; "
              "TCP: %s/%s answered, endpoints %s %s" % (
                  u.get("answered"), u.get("requests"), u.get("resent"),
                  u.get("endpoints"), t.get("answered"), t.get("requests"),
                  t.get("endpoints"), t.get("error", "")))
        print("transfers: %d, %.1f MiB, all byte-identical unless listed "
              "below: %s" % (sum(f["transfers"].values()),
                             f["transfer_bytes"] / 1048576.0,
                             ", ".join("%s %d" % kv for kv in
                                       sorted(f["transfers"].items()))))
        print("curl active-mode races run again: %d" % f["ftp_active_races"])
        if fin:
            tt = self.totals(fin)
            drops = {k: v for k, v in fin["/cgnat/drops"].items() if v}
            print("packets: rx %d, tx %d, generated %d, dropped %d %s" % (
                tt["w_rx"], tt["w_tx"], tt["generated"], tt["w_drops"],
                drops))
            # frames the kernel could not hand to a worker in time: load,
            # not the dataplane's accounting (reported, not checked)
            print("ports: imissed %s, ierrors %s, oerrors %s" % tuple(
                "/".join(str(fin[q][k]) for q in QUERIES
                         if q.startswith("/ethdev/stats"))
                for k in ("imissed", "ierrors", "oerrors")))
        print("cgnat RSS: %s MiB at start, %s max, %s at the end; NAT tables "
              "%s bytes throughout" % (tuple(
                  f.get(k, 0) // 1024 for k in ("rss_base_kib", "rss_max_kib",
                                                "rss_end_kib")) +
                  (nat.get("memory_bytes"),)))
        print("cgnat's output and the FTP server's log: %s" % self.lab.tmp)
        if self.violations:
            print("%d VIOLATIONS:" % len(self.violations))
            for v in self.violations:
                print("  " + v)
        else:
            print("no violations")
        return 1 if self.violations else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int,
                    default=int(os.environ.get("SOAK_SECONDS", "1800")))
    ap.add_argument("--build", default=None, help="build directory")
    ap.add_argument("--sample", type=float, default=5.0,
                    help="seconds between telemetry checks")
    ap.add_argument("--subscribers", type=int, default=200)
    ap.add_argument("--flows-per-sec", type=float, default=100.0)
    ap.add_argument("--rate", default="8M", help="curl --limit-rate")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if args.build:
        labutil.BUILD = os.path.abspath(args.build)
    # A SIGTERM ends the run like Ctrl-C: the lab is torn down either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    soak = Soak(args)
    try:
        soak.run()
    except Exception as e:  # reported as a violation, after the summary
        soak.violation("soak aborted: %r" % e)
    finally:
        soak.stop.set()
        soak.lab.teardown()
    return soak.summary()


if __name__ == "__main__":
    sys.exit(main())
