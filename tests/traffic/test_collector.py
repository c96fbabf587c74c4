# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""NAT event export decoded by the collectors carriers run, from Debian 12:
nfdump 1.7.1 (nfcapd stores, nfdump prints) and pmacct 1.7.7 (nfacctd
with its print plugin). A replay exports to the collector on 127.0.0.1;
what the collector decoded must be what the replay translated: event
type, inside and outside address and port, destination, the block's port
range, and the event time to the millisecond. See docs/logging.md
("Collectors") for which collector decodes what, and why."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from cgnlib import replay
from test_logging import (SUBS, SESSION_CREATE, SESSION_DELETE, BLOCK_ALLOC,
                          BLOCK_RELEASE, lifecycle, logging_conf, translations)

BLOCK = 256          # block_size of cgnlib's config


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def need(binary, package):
    if shutil.which(binary) is None:
        pytest.skip("%s not installed (Debian package %s, see scripts/setup.sh)"
                    % (binary, package))


def wait_for(cond, what, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def stop(p, sig):
    """End a collector we started (its own process group, so its plugin
    processes too); nfcapd writes its file on SIGTERM, nfacctd ends on
    SIGINT."""
    if p.poll() is None:
        os.killpg(p.pid, sig)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        raise


def ms(t):
    """Milliseconds of a capture time as cgnat's clock has them: pcap keeps
    microseconds (of the fraction, as scapy writes them), the NAT clock
    truncates them."""
    t = float(t)
    return int(t) * 1000 + int(round((t - int(t)) * 1e6)) // 1000


def capture():
    """test_logging's lifecycle capture (three subscribers, a UDP and a TCP
    flow each, all expiring) and the time each event must carry."""
    f, sent = lifecycle()
    times = {"alloc": {}, "create": {}}
    for p in sent:
        times["create"][(p["IP"].proto, p["IP"].src, p["IP"].payload.sport)] = \
            ms(p.time)
        times["alloc"].setdefault(p["IP"].src, ms(p.time))
    # expiry happens at the packets that move the clock on
    times["delete"] = ms(f.pkts[-2].time)
    times["release"] = ms(f.pkts[-1].time)
    return f, sent, times


def check_events(recs, xl, times, with_range=True):
    """recs: one dict per decoded record, normalised to
    event, src, xsrc, proto, sport, xsport, dst, dport, xdst, xdport,
    start, end, step, size, time_ms, vrf (None when not decoded).
    with_range False: the collector stores no port range for blocks."""
    assert len(recs) == 18
    by_event = {}
    for r in recs:
        by_event.setdefault(r["event"], []).append(r)
        assert r["vrf"] == 0                    # tenant index
    assert sorted(by_event) == [SESSION_CREATE, SESSION_DELETE, BLOCK_ALLOC,
                                BLOCK_RELEASE]
    blocks = {}
    for r in by_event[BLOCK_ALLOC]:
        ports = [eport for (_, src, _), (ext, eport, _, _) in xl.items()
                 if src == r["src"]]
        exts = {ext for (_, src, _), (ext, _, _, _) in xl.items()
                if src == r["src"]}
        assert exts == {r["xsrc"]}
        if with_range:
            assert r["end"] - r["start"] + 1 == BLOCK
            assert all(r["start"] <= p <= r["end"] for p in ports)
            assert (r["step"], r["size"]) == (1, BLOCK)
        else:
            assert (r["start"], r["end"]) == (None, None)
        assert r["time_ms"] == times["alloc"][r["src"]]
        blocks[r["src"]] = (r["xsrc"], r["start"], r["end"])
    assert sorted(blocks) == SUBS
    for r in by_event[BLOCK_RELEASE]:
        assert blocks[r["src"]] == (r["xsrc"], r["start"], r["end"])
        if with_range:
            assert (r["step"], r["size"]) == (1, BLOCK)
        assert r["time_ms"] == times["release"]
    assert sorted(r["src"] for r in by_event[BLOCK_RELEASE]) == SUBS
    for ev in (SESSION_CREATE, SESSION_DELETE):
        seen = set()
        for r in by_event[ev]:
            key = (r["proto"], r["src"], r["sport"])
            ext, eport, dst, dport = xl[key]
            assert (r["xsrc"], r["xsport"]) == (ext, eport)
            assert (r["dst"], r["dport"]) == (dst, dport)
            assert (r["xdst"], r["xdport"]) == (dst, dport)
            assert r["time_ms"] == (times["create"][key]
                                    if ev == SESSION_CREATE
                                    else times["delete"])
            seen.add(key)
        assert seen == set(xl)


# ---- nfdump ----

def nfdump_run(fmt):
    need("nfcapd", "nfdump")
    port = free_udp_port()
    tmp = tempfile.mkdtemp(prefix="cgn-nfcapd-")
    flows = os.path.join(tmp, "flows")
    os.mkdir(flows)
    log = open(os.path.join(tmp, "nfcapd.log"), "w+")
    p = subprocess.Popen(["nfcapd", "-b", "127.0.0.1", "-p", str(port),
                          "-w", flows], stdout=log, stderr=subprocess.STDOUT,
                         start_new_session=True)
    try:
        wait_for(lambda: "Startup" in open(log.name).read(), "nfcapd to start")
        f, sent, times = capture()
        r = replay(f, logging_conf(port=port, per_session=True, fmt=fmt))
        assert r.summary["dataplane"]["logging"]["ipfix_records"] == 18
        # nfcapd writes its file when it ends
    finally:
        stop(p, signal.SIGTERM)
    files = [os.path.join(flows, n) for n in os.listdir(flows)
             if n.startswith("nfcapd.2")]
    assert len(files) == 1, (os.listdir(flows), open(log.name).read())
    assert "Sequence Errors: 0" in open(log.name).read()
    env = dict(os.environ, TZ="UTC")

    def nfdump(*args):
        out = subprocess.run(["nfdump", "-r", files[0]] + list(args),
                             capture_output=True, text=True, env=env,
                             timeout=30)
        assert out.returncode == 0, out.stderr
        return out.stdout

    return translations(r, sent), times, nfdump


def nfdump_raw(text):
    """nfdump -o raw: blocks of "  name = value" lines per record."""
    recs = []
    for block in text.split("Flow Record:")[1:]:
        block = block.split("\nSummary:")[0]
        d = {}
        for line in block.splitlines():
            m = re.match(r"^\s+(\S.*?)\s+=\s+(.*)$", line)
            if m:
                d[m.group(1)] = m.group(2).strip()
        recs.append(d)
    return recs


def nfdump_norm(d):
    def num(k):
        return int(d[k].split()[0].split(":")[0]) if k in d else None

    return {"event": num("nat event"), "src": d.get("src addr"),
            "xsrc": d.get("src xlt ip"), "proto": num("proto"),
            "sport": num("src port"), "xsport": num("src xlt port"),
            "dst": d.get("dst addr"), "dport": num("dst port"),
            "xdst": d.get("dst xlt ip"), "xdport": num("dst xlt port"),
            "start": num("pblock start"), "end": num("pblock end"),
            "step": num("pblock step"), "size": num("pblock size"),
            "time_ms": num("Event time"), "vrf": num("ingress VRF")}


def test_nfdump_decodes_netflow9_completely():
    """NetFlow v9 into nfdump 1.7.1: every field of every record."""
    xl, times, nfdump = nfdump_run("netflow9")
    check_events([nfdump_norm(d) for d in nfdump_raw(nfdump("-o", "raw"))],
                 xl, times)
    # its JSON output names the RFC 8158 event types
    names = sorted({(int(r["nat_event_id"]), r["nat_event"])
                    for r in json.loads(nfdump("-o", "json"))})
    assert names == [(SESSION_CREATE, "NAT44 session create"),
                     (SESSION_DELETE, "NAT44 session delete"),
                     (BLOCK_ALLOC, "Port block allocation"),
                     (BLOCK_RELEASE, "Port block de-allocation")]


def test_nfdump_ipfix_sessions_complete_blocks_without_range():
    """IPFIX into nfdump 1.7.1: sessions decode completely, block records
    with their event, addresses and time, but its IPFIX decoder has no
    entry for portRangeStart..portRangeNumPorts (src/netflow/ipfix.c; added
    in 1.7.4), so it stores no range. A fixed nfdump must show the right
    one."""
    xl, times, nfdump = nfdump_run(None)
    recs = [nfdump_norm(d) for d in nfdump_raw(nfdump("-o", "raw"))]
    blocks = [r for r in recs if r["event"] in (BLOCK_ALLOC, BLOCK_RELEASE)]
    with_range = any(r["start"] is not None for r in blocks)
    check_events(recs, xl, times, with_range=with_range)


# ---- pmacct ----

PMACCT_PRIMITIVES = """\
name=port_range_start field_type=361 len=2 semantics=u_int
name=port_range_end field_type=362 len=2 semantics=u_int
name=port_range_step field_type=363 len=2 semantics=u_int
name=port_range_num field_type=364 len=2 semantics=u_int
name=ingress_vrfid field_type=234 len=4 semantics=u_int
"""

PMACCT_CONF = """\
daemonize: false
nfacctd_ip: 127.0.0.1
nfacctd_port: {port}
aggregate_primitives: {prims}
plugins: print[nat]
aggregate[nat]: src_host, dst_host, src_port, dst_port, proto, \
post_nat_src_host, post_nat_src_port, post_nat_dst_host, post_nat_dst_port, \
nat_event, timestamp_start, port_range_start, port_range_end, \
port_range_step, port_range_num, ingress_vrfid
print_output[nat]: json
print_output_file[nat]: {out}
print_output_file_append[nat]: true
print_refresh_time[nat]: 1
timestamps_since_epoch: true
"""

PROTOS = {"tcp": 6, "udp": 17, "icmp": 1}


def pmacct_norm(d):
    def num(k):
        v = d.get(k)
        return int(v) if v not in (None, "") else None

    proto = d["ip_proto"]               # a name, or the number
    return {"event": d["nat_event"], "src": d["ip_src"],
            "xsrc": d["post_nat_ip_src"],
            "proto": PROTOS[proto] if proto in PROTOS else int(proto),
            "sport": d["port_src"], "xsport": d["post_nat_port_src"],
            "dst": d["ip_dst"], "dport": d["port_dst"],
            "xdst": d["post_nat_ip_dst"], "xdport": d["post_nat_port_dst"],
            "start": num("port_range_start"), "end": num("port_range_end"),
            "step": num("port_range_step"), "size": num("port_range_num"),
            "time_ms": ms(d["timestamp_start"]),
            "vrf": num("ingress_vrfid")}


@pytest.mark.parametrize("fmt", ["ipfix", "netflow9"])
def test_pmacct_decodes_completely(fmt):
    """pmacct's nfacctd decodes every record completely in both formats;
    the port range and the tenant come through aggregate_primitives, its
    documented way to read elements it has no primitive for."""
    need("nfacctd", "pmacct")
    port = free_udp_port()
    tmp = tempfile.mkdtemp(prefix="cgn-nfacctd-")
    prims = os.path.join(tmp, "primitives.lst")
    out = os.path.join(tmp, "nat.json")
    conf = os.path.join(tmp, "nfacctd.conf")
    with open(prims, "w") as fh:
        fh.write(PMACCT_PRIMITIVES)
    with open(conf, "w") as fh:
        fh.write(PMACCT_CONF.format(port=port, prims=prims, out=out))
    log = open(os.path.join(tmp, "nfacctd.log"), "w+")
    p = subprocess.Popen(["nfacctd", "-f", conf], stdout=log,
                         stderr=subprocess.STDOUT, start_new_session=True)

    def lines():
        if not os.path.exists(out):
            return []
        return [ln for ln in open(out).read().splitlines() if ln.strip()]

    try:
        wait_for(lambda: "waiting for NetFlow" in open(log.name).read(),
                 "nfacctd to start")
        f, sent, times = capture()
        r = replay(f, logging_conf(port=port, per_session=True, fmt=fmt))
        assert r.summary["dataplane"]["logging"]["ipfix_records"] == 18
        wait_for(lambda: len(lines()) >= 18, "nfacctd's print plugin")
        time.sleep(1.5)     # a refresh later: nothing more comes
        got = lines()
    finally:
        stop(p, signal.SIGINT)
    xl = translations(r, sent)
    recs = [pmacct_norm(json.loads(ln)) for ln in got]
    check_events(recs, xl, times)
