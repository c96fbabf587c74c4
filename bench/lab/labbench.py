#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""`make bench-lab`: cgnat and Linux's nftables NAT on the same veths of
the namespace lab (tests/e2e/lab.sh), one after the other in one run, with
senders that are not the bottleneck:

  - UDP: trafgen (netsniff-ng) sends 64-byte frames from 256 subscribers
    x 199 source ports (50,944 flows); what the NAT forwarded is the
    internet-side veth's receive counter, read from the kernel;
  - TCP: bench/lab/tcpcps.c opens and closes connections (SYN to the last
    ACK) from 32 subscribers with 256 in flight.

The machine's two CPUs are split: CPU 0 runs the senders (trafgen, or the
TCP client and server) and CPU 1 the NAT (cgnat's one worker lcore).
Linux is measured twice: as it comes, its NAT running in the softirq of
the sending CPU, and with RPS steering the router's receive processing
to CPU 1. Each configuration is measured --runs times, interleaved, and
reported as median, min and max, with the ratio to the better Linux and
the targets of issue 11.

  bench/lab/labbench.py [--build DIR] [--runs N] [--seconds S]
                        [--devices af_xdp,af_packet] [--json FILE]
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
# The lab's names come from CGN_LAB_PREFIX: a bench lab of its own.
os.environ.setdefault("CGN_LAB_PREFIX", "bench")
from labutil import (INET, LAB, RTR, SUB, lab_config,  # noqa: E402
                     start_cgnat, telemetry)

SENDER_CPU = 0          # trafgen -P 1 forks its one sender onto CPU 0
NAT_CPU = 1
UDP_SUBSCRIBERS = 256   # 100.64.1.0-255
UDP_PORTS = 199         # coprime with 256: every (address, port) pair occurs
TCP_SUBSCRIBERS = 32    # 100.64.2.1-32
TCP_CONCURRENCY = 256
TIME_WAIT = 5           # both NATs keep closed TCP sessions this long
TARGETS = {"udp_pps": 1.5, "tcp_cps": 1.0}
# Linux twice: its NAT in the softirq of the CPU that sent the packet (the
# sender's, as without RPS), and steered by RPS to the NAT's CPU, where a
# VM pays an IPI per batch. Ratios are against the better of the two.
LINUX = ("linux", "linux-rps")
SENDER_BOUND = 0.98     # forwarded/offered at or above: the NAT kept up
# trafgen's socket buffer must outlast a full receive backlog on the NAT's
# CPU, else its send fails with EAGAIN and it stops; it would raise this
# itself, but the knob is the host's, which a namespace cannot write.
WMEM_DEFAULT = "/proc/sys/net/core/wmem_default"
SENDER_WMEM = 4 << 20

DEVICES = {"af_xdp": "net_af_xdp", "af_packet": "net_af_packet"}

# under the lab's `nat:` (tests/e2e/labutil.py): nothing refused, closed TCP
# sessions kept as long as Linux keeps them
NAT_EXTRA = """  allow_short_timeouts: true
  timeouts: {tcp_time_wait: %d}
  limits: {sessions: 65536, port_blocks: 128}""" % TIME_WAIT

LINUX_NAT = """
table ip cgnbench {
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "veth-inet" ip saddr 100.64.0.0/10 snat to 203.0.113.0-203.0.113.15
	}
}
"""

# Received datagrams are dropped at the internet host's ingress hook, so
# that its stack costs the least; the veth counter already has them.
SINK = """
table netdev cgnbench {
	chain ingress {
		type filter hook ingress device "veth-inet-h" priority 0;
		udp dport 9000 counter drop
	}
}
"""

TRAFGEN = """{{
  eth(da={dst_mac}, sa={src_mac}),
  ipv4(sa=100.64.1.0, sa[3]=dinc(0, {last_sub}), da=192.0.2.80, ttl=64),
  udp(sp=dinc(20000, {last_port}), dp=9000),
  fill(0x00, 18)
}}
"""


def run(*cmd, **kw):
    kw.setdefault("check", True)
    return subprocess.run([str(c) for c in cmd], **kw)


def nsrun(ns, *cmd, **kw):
    return run("ip", "netns", "exec", ns, *cmd, **kw)


def ns_write(ns, path, value):
    nsrun(ns, "sh", "-c", "echo %s > %s" % (value, path))


def link_counter(ns, dev, name):
    out = nsrun(ns, "cat", "/sys/class/net/%s/statistics/%s" % (dev, name),
                capture_output=True, text=True).stdout
    return int(out)


def link_mac(ns, dev):
    out = run("ip", "-n", ns, "-j", "link", "show", "dev", dev,
              capture_output=True, text=True).stdout
    return json.loads(out)[0]["address"]


def cpu_times():
    """Per CPU: (busy, total) jiffies from /proc/stat."""
    res = {}
    with open("/proc/stat") as f:
        for line in f:
            if not line.startswith("cpu") or line.startswith("cpu "):
                continue
            v = [int(x) for x in line.split()[1:]]
            idle = v[3] + v[4]
            res[int(line.split()[0][3:])] = (sum(v[:8]) - idle, sum(v[:8]))
    return res


def cpu_busy(a, b):
    return {c: round(100.0 * (b[c][0] - a[c][0]) /
                     max(1, b[c][1] - a[c][1]), 1) for c in a}


def rps(ns, dev, cpu):
    mask = "0" if cpu is None else "%x" % (1 << cpu)
    ns_write(ns, "/sys/class/net/%s/queues/rx-0/rps_cpus" % dev, mask)


class BenchLab:
    def __init__(self, build, tmp):
        self.build = build
        self.tmp = tmp
        self.cgnat = None
        self.log = None
        self.wmem = None

    def up(self):
        with open(WMEM_DEFAULT) as f:
            self.wmem = f.read().strip()
        with open(WMEM_DEFAULT, "w") as f:
            f.write(str(max(SENDER_WMEM, int(self.wmem))))
        run(LAB, "up")
        for i in range(1, TCP_SUBSCRIBERS + 1):
            run("ip", "-n", SUB, "addr", "add", "100.64.2.%d/32" % i,
                "dev", "veth-sub-h")
        nsrun(SUB, "sysctl", "-qw", "net.ipv4.ip_local_port_range=1024 65535")
        nsrun(INET, "sysctl", "-qw", "net.core.somaxconn=65535")
        nsrun(INET, "sysctl", "-qw", "net.ipv4.tcp_max_syn_backlog=65535")
        nsrun(INET, "nft", "-f", "-", input=SINK, text=True)

    def down(self):
        self.nat_off()
        run(LAB, "down", check=False)
        if self.wmem is not None:
            with open(WMEM_DEFAULT, "w") as f:
                f.write(self.wmem)

    def prime(self):
        """ARP on both sides, and a proof that the path works."""
        nsrun(SUB, "ping", "-c", "3", "-i", "0.2", "-W", "2", "192.0.2.80",
              stdout=subprocess.DEVNULL)

    def cgnat_on(self, device):
        conf = os.path.join(self.tmp, "cgnat-%s.yaml" % device)
        with open(conf, "w") as f:
            f.write(lab_config(
                driver=DEVICES[device], memory=2048, mbufs=16383,
                max_sessions=1048576, nat_extra=NAT_EXTRA,
                eal=("-l", "%d,%d" % (SENDER_CPU, NAT_CPU),
                     "--main-lcore", str(SENDER_CPU))))
        self.log = open(os.path.join(self.tmp, "cgnat-%s.log" % device), "w+")
        self.cgnat = start_cgnat(conf, self.log, build=self.build, timeout=60)
        self.prime()

    def cgnat_drops(self):
        return {k: v for k, v in telemetry("/cgnat/drops").items() if v}

    def linux_on(self, steer):
        run("ip", "-n", RTR, "addr", "add", "100.64.0.1/10", "dev", "veth-sub")
        run("ip", "-n", RTR, "addr", "add", "198.51.100.1/24",
            "dev", "veth-inet")
        run("ip", "-n", RTR, "route", "add", "default", "via",
            "198.51.100.254")
        nsrun(RTR, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        nsrun(RTR, "nft", "-f", "-", input=LINUX_NAT, text=True)
        nsrun(RTR, "sysctl", "-qw",
              "net.netfilter.nf_conntrack_tcp_timeout_time_wait=%d" % TIME_WAIT)
        if steer:
            for dev in ("veth-sub", "veth-inet"):
                rps(RTR, dev, NAT_CPU)
        self.prime()

    def nat_off(self):
        if self.cgnat is not None:
            self.cgnat.send_signal(signal.SIGINT)
            try:
                self.cgnat.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.cgnat.kill()
                self.cgnat.wait()
            self.cgnat = None
            self.log.close()
            return
        nsrun(RTR, "nft", "delete", "table", "ip", "cgnbench", check=False,
              stderr=subprocess.DEVNULL)
        nsrun(RTR, "sysctl", "-qw", "net.ipv4.ip_forward=0", check=False)
        for dev in ("veth-sub", "veth-inet"):
            run("ip", "-n", RTR, "addr", "flush", "dev", dev, check=False)
            rps(RTR, dev, None)

    def udp(self, seconds, warmup):
        cfg = os.path.join(self.tmp, "udp.trafgen")
        with open(cfg, "w") as f:
            f.write(TRAFGEN.format(dst_mac=link_mac(RTR, "veth-sub"),
                                   src_mac=link_mac(SUB, "veth-sub-h"),
                                   last_sub=UDP_SUBSCRIBERS - 1,
                                   last_port=20000 + UDP_PORTS - 1))
        log = open(os.path.join(self.tmp, "trafgen.log"), "w")
        # -P 1: one sender process, which trafgen pins to CPU 0; -q: through
        # the qdisc layer, where a full backlog is ENOBUFS, which trafgen
        # survives (a bypassed one is EAGAIN, which stops it)
        tg = subprocess.Popen(
            ["ip", "netns", "exec", SUB, "trafgen", "-o", "veth-sub-h",
             "-i", cfg, "-P", "1", "-Q", "-q", "-C"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            time.sleep(warmup)      # every flow's session exists after this
            if tg.poll() is not None:
                raise RuntimeError("trafgen exited: " + open(log.name).read())
            c0, t0 = cpu_times(), time.time()
            rx0 = link_counter(INET, "veth-inet-h", "rx_packets")
            tx0 = link_counter(SUB, "veth-sub-h", "tx_packets")
            time.sleep(seconds)
            rx1 = link_counter(INET, "veth-inet-h", "rx_packets")
            tx1 = link_counter(SUB, "veth-sub-h", "tx_packets")
            c1, t1 = cpu_times(), time.time()
        finally:
            # trafgen's senders are forks that stop only when signalled
            # themselves: signal its process group
            os.killpg(tg.pid, signal.SIGINT)
            tg.wait()
            log.close()
        return {"udp_pps": (rx1 - rx0) / (t1 - t0),
                "udp_offered_pps": (tx1 - tx0) / (t1 - t0),
                "udp_cpu_busy": cpu_busy(c0, c1)}

    def tcp(self, seconds):
        tool = os.path.join(self.build, "bench", "cgnat-lab-tcpcps")
        # The endpoints' own receive processing stays on their CPU.
        rps(SUB, "veth-sub-h", SENDER_CPU)
        rps(INET, "veth-inet-h", SENDER_CPU)
        srv = subprocess.Popen(
            ["ip", "netns", "exec", INET, "taskset", "-c", str(SENDER_CPU),
             tool, "server", "192.0.2.80", "9001"])
        try:
            time.sleep(0.5)
            c0 = cpu_times()
            out = nsrun(SUB, "taskset", "-c", str(SENDER_CPU), tool, "client",
                        "192.0.2.80", "9001", str(int(seconds)),
                        str(TCP_CONCURRENCY), "100.64.2.1",
                        str(TCP_SUBSCRIBERS),
                        capture_output=True, text=True).stdout
            c1 = cpu_times()
        finally:
            srv.send_signal(signal.SIGTERM)
            srv.wait()
            rps(SUB, "veth-sub-h", None)
            rps(INET, "veth-inet-h", None)
        r = json.loads(out)
        return {"tcp_cps": r["cps"], "tcp_failed": r["failed"],
                "tcp_stalled": r["stalled"], "tcp_cpu_busy": cpu_busy(c0, c1)}

    def measure(self, nat, seconds, warmup):
        """One run of both figures through nat (a device or LINUX's)."""
        if nat in LINUX:
            self.linux_on(nat == "linux-rps")
        else:
            self.cgnat_on(nat)
        try:
            res = self.udp(seconds, warmup)
            # let the UDP flows' backlog drain before the TCP run
            time.sleep(1)
            res.update(self.tcp(seconds))
            if nat not in LINUX:
                res["cgnat_drops"] = self.cgnat_drops()
        finally:
            self.nat_off()
        return res


def summary(values):
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "runs": values}


def report(results, nats, out):
    figs = (("udp_pps", "UDP 64-byte packets/s forwarded"),
            ("udp_offered_pps", "  offered by trafgen"),
            ("tcp_cps", "TCP connections/s"))
    sums = {n: {k: summary([r[k] for r in results[n]]) for k, _ in figs}
            for n in nats}
    # the reference is Linux at its best, figure by figure
    best = {k: max(LINUX, key=lambda n: sums[n][k]["median"]) for k, _ in figs}
    verdicts = {}
    hdr = "%-34s %-10s %12s %12s %12s %7s %8s %s"
    out.write(hdr % ("figure", "NAT", "median", "min", "max", "ratio",
                     "target", "verdict") + "\n")
    for key, label in figs:
        for n in nats:
            s = sums[n][key]
            ratio, target, verdict = "", "", ""
            ref = sums[best[key]][key]["median"]
            if n not in LINUX and key in TARGETS:
                r = s["median"] / ref if ref else 0
                ratio = "%.2f" % r
                target = ">= %.1fx" % TARGETS[key]
                verdict = "met" if r >= TARGETS[key] else "not met"
                verdicts["%s %s" % (n, key)] = {
                    "ratio": r, "against": best[key], "target": TARGETS[key],
                    "met": r >= TARGETS[key]}
            elif n == best[key] and key in TARGETS:
                ratio = "ref"
            out.write(hdr % (label, n, "%.0f" % s["median"], "%.0f" % s["min"],
                             "%.0f" % s["max"], ratio, target, verdict) + "\n")
    out.write("\nper run: CPU busy %% (CPU %d senders, CPU %d NAT), "
              "forwarded/offered\n" % (SENDER_CPU, NAT_CPU))
    for n in nats:
        for i, r in enumerate(results[n]):
            u, t = r["udp_cpu_busy"], r["tcp_cpu_busy"]
            out.write("  %-10s run %d: UDP cpu %s/%s fwd/offered %.2f; "
                      "TCP cpu %s/%s failed %d stalled %d%s\n" % (
                          n, i + 1, u[SENDER_CPU], u[NAT_CPU],
                          r["udp_pps"] / max(1, r["udp_offered_pps"]),
                          t[SENDER_CPU], t[NAT_CPU], r["tcp_failed"],
                          r["tcp_stalled"],
                          "; drops %s" % r["cgnat_drops"]
                          if r.get("cgnat_drops") else ""))
    out.write("\nwhich side saturates (UDP): a NAT that forwards all it is "
              "offered is not the bottleneck; the sender is\n")
    for n in nats:
        share = statistics.median(r["udp_pps"] / max(1, r["udp_offered_pps"])
                                  for r in results[n])
        sums[n]["udp_bound"] = "sender" if share >= SENDER_BOUND else "nat"
        out.write("  %-10s forwarded %.0f%% of what was offered: %s-bound\n"
                  % (n, 100 * share, sums[n]["udp_bound"]))
    return sums, verdicts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--warmup", type=float, default=2)
    ap.add_argument("--devices", default="af_xdp,af_packet",
                    help="cgnat's devices to measure, in order")
    ap.add_argument("--json", default=None)
    ap.add_argument("--smoke", action="store_true",
                    help="one short run through af_xdp and Linux, to check "
                    "that the harness works (make bench-smoke)")
    a = ap.parse_args()
    if a.smoke:
        a.runs, a.seconds, a.warmup, a.devices = 1, 1, 1, "af_xdp"
    devices = [d for d in a.devices.split(",") if d]
    for d in devices:
        if d not in DEVICES:
            ap.error("unknown device %s (one of %s)" % (d, ", ".join(DEVICES)))
    nats = devices + list(LINUX)
    results = {n: [] for n in nats}
    tmp = tempfile.mkdtemp(prefix="cgn-bench-lab-")
    lab = BenchLab(os.path.abspath(a.build), tmp)
    load = os.getloadavg()
    try:
        lab.up()
        # interleaved, so that the shared machine's noise falls on all alike
        for i in range(a.runs):
            for n in nats:
                print("run %d/%d: %s" % (i + 1, a.runs, n), flush=True)
                results[n].append(lab.measure(n, a.seconds, a.warmup))
    finally:
        lab.down()
    sums, verdicts = report(results, nats, sys.stdout)
    print("load average before %.2f, after %.2f (other work on the machine "
          "shows as CPU busy too)" % (load[0], os.getloadavg()[0]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d %H:%M:%S"),
                       "load_before": load, "seconds": a.seconds,
                       "udp_flows": UDP_SUBSCRIBERS * UDP_PORTS,
                       "tcp_subscribers": TCP_SUBSCRIBERS,
                       "tcp_concurrency": TCP_CONCURRENCY,
                       "summary": sums, "targets": verdicts,
                       "runs": results}, f, indent=1)
        print("\nwrote %s" % a.json)
    return smoke_check(results) if a.smoke else 0


def smoke_check(results):
    """What a broken harness shows: a NAT that passed nothing, or cgnat
    dropping for another reason than ARP it does not answer."""
    bad = []
    for n, runs in results.items():
        for r in runs:
            if r["udp_pps"] <= 0 or r["tcp_cps"] <= 0 or r["tcp_failed"]:
                bad.append("%s: nothing through, or TCP failures" % n)
            bad += ["%s: drops %s" % (n, k) for k in r.get("cgnat_drops", {})
                    if not k.startswith("arp_")]
    for b in bad:
        print("bench-lab smoke: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
