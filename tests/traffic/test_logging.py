# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""NAT event logging through the real binary: a replay exports IPFIX to a
UDP collector on 127.0.0.1 (tshark decodes what arrived) and syslog lines
to a file; both must agree with the translations in the replay's output."""

import json
import os
import socket
import subprocess
import tempfile

from scapy.all import Ether, IP, TCP, UDP, Raw, wrpcap

from cgnlib import Frames, replay, config

SUBS = ["100.64.0.10", "100.64.0.11", "100.64.0.12"]
DOMAIN = 7
# natEvent values (IANA registry, RFC 8158)
SESSION_CREATE, SESSION_DELETE, BLOCK_ALLOC, BLOCK_RELEASE = 4, 5, 16, 17
QUOTA_EXCEEDED = 13
# Sessions expire within seconds, and their ports soon after.
SHORT = "  port_reuse_delay: 1\n  timeouts: {udp: 2, tcp_transitory: 2}\n"


class Collector:
    """A UDP socket bound before the replay starts; datagrams wait in its
    buffer until read."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def datagrams(self):
        self.sock.setblocking(False)
        out = []
        while True:
            try:
                out.append(self.sock.recv(65535))
            except BlockingIOError:
                return out

    def close(self):
        self.sock.close()


def logging_conf(port=None, syslog=False, per_session=False, fmt=None):
    text = "logging:\n"
    if port is not None:
        text += '  ipfix: {collector: "127.0.0.1:%d", domain: %d%s}\n' % (
            port, DOMAIN, ", format: " + fmt if fmt else "")
    text += "  syslog: %s\n  per_session: %s\n" % (
        str(syslog).lower(), str(per_session).lower())
    return config(nat_extra=SHORT) + text


def decode(datagrams, port):
    """(messages, records) as tshark's IPFIX dissector sees them: one dict
    of header fields per message, one dict of cflow.* fields per record."""
    tmp = tempfile.mkdtemp(prefix="cgn-ipfix-")
    path = os.path.join(tmp, "ipfix.pcap")
    wrpcap(path, [Ether() / IP(src="127.0.0.1", dst="127.0.0.1") /
                  UDP(sport=40000, dport=port) / Raw(d) for d in datagrams])
    p = subprocess.run(["tshark", "-r", path, "-d",
                        "udp.port==%d,cflow" % port, "-T", "json"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    messages, records = [], []

    def walk(node, found):
        for v in node.values():
            if isinstance(v, dict):
                if "cflow.nat_event" in v:
                    found.append(v)
                else:
                    walk(v, found)

    for pkt in json.loads(p.stdout):
        cflow = pkt["_source"]["layers"]["cflow"]
        msg_records = []
        walk(cflow, msg_records)
        messages.append({"sequence": int(cflow["cflow.sequence"]),
                         "domain": int(cflow["cflow.od_id"]),
                         "length": int(cflow["cflow.len"]),
                         "records": len(msg_records)})
        records += msg_records
    return messages, records


def of_event(records, nat_event):
    return [r for r in records if int(r["cflow.nat_event"]) == nat_event]


def lifecycle():
    """Each subscriber opens a UDP and a TCP flow; everything then expires
    (outside packets that find nothing only move the clock on)."""
    f = Frames()
    sent = []
    for i, sub in enumerate(SUBS):
        sent.append(f.add(IP(src=sub, dst="192.0.2.1") /
                          UDP(sport=5000 + i, dport=53) / Raw(b"q" * 8)))
        sent.append(f.add(IP(src=sub, dst="192.0.2.2") /
                          TCP(sport=6000 + i, dport=80, flags="S")))
    f.wait(10)
    f.add(IP(src="192.0.2.99", dst="203.0.113.1") / UDP(sport=1, dport=2))
    f.wait(5)
    f.add(IP(src="192.0.2.99", dst="203.0.113.1") / UDP(sport=1, dport=3))
    return f, sent


def translations(result, sent):
    """{(proto, inside addr, inside port): (ext addr, ext port, dst, dport)}
    from the replay output: inside packets come out in input order."""
    out = [p for p in result.out if IP in p and p[IP].dst.startswith("192.0.2.")]
    assert len(out) == len(sent)
    res = {}
    for s, o in zip(sent, out):
        l4, ol4 = s[IP].payload, o[IP].payload
        res[(s[IP].proto, s[IP].src, l4.sport)] = (o[IP].src, ol4.sport,
                                                   o[IP].dst, ol4.dport)
    return res


def test_ipfix_block_and_session_events():
    col = Collector()
    try:
        f, sent = lifecycle()
        r = replay(f, logging_conf(port=col.port, per_session=True))
        msgs, recs = decode(col.datagrams(), col.port)
    finally:
        col.close()
    xl = translations(r, sent)
    log = r.summary["dataplane"]["logging"]
    assert log["dropped"] == 0 and log["ipfix_send_errors"] == 0
    assert log["ipfix_records"] == len(recs) == 18
    # RFC 7011 header: our domain, sequence = data records sent before
    seq = 0
    for m in msgs:
        assert m["domain"] == DOMAIN and m["sequence"] == seq
        assert m["length"] <= 1400
        seq += m["records"]

    # one block per subscriber, holding the ports its flows got
    allocs = of_event(recs, BLOCK_ALLOC)
    assert sorted(a["cflow.srcaddr"] for a in allocs) == SUBS
    assert allocs[0]["cflow.observation_time_milliseconds"].startswith(
        "Nov 24, 2025 16:00:00.001")
    blocks = {}
    for a in allocs:
        sub = a["cflow.srcaddr"]
        lo, hi = int(a["cflow.port_range_start"]), int(a["cflow.port_range_end"])
        assert hi - lo + 1 == 256
        blocks[sub] = (a["cflow.post_natsource_ipv4_address"], lo, hi)
        assert int(a["cflow.ingress_vrfid"]) == 0
        for (proto, src, sport), (ext, eport, _, _) in xl.items():
            if src == sub:
                assert ext == blocks[sub][0] and lo <= eport <= hi

    # with per_session, each flow's create carries its translation
    creates = of_event(recs, SESSION_CREATE)
    assert len(creates) == len(sent)
    for c in creates:
        key = (int(c["cflow.protocol"]), c["cflow.srcaddr"],
               int(c["cflow.srcport"]))
        ext, eport, dst, dport = xl[key]
        assert c["cflow.post_natsource_ipv4_address"] == ext
        assert int(c["cflow.post_naptsource_transport_port"]) == eport
        assert c["cflow.dstaddr"] == c["cflow.post_natdestination_ipv4_address"] == dst
        assert int(c["cflow.dstport"]) == dport

    # expiry: every session deleted, then every block released
    deletes = of_event(recs, SESSION_DELETE)
    fields = ("cflow.srcaddr", "cflow.srcport", "cflow.post_naptsource_transport_port")
    assert sorted(tuple(d[k] for k in fields) for d in deletes) == \
        sorted(tuple(c[k] for k in fields) for c in creates)
    releases = of_event(recs, BLOCK_RELEASE)
    assert {r_["cflow.srcaddr"]: (r_["cflow.post_natsource_ipv4_address"],
                                  int(r_["cflow.port_range_start"]),
                                  int(r_["cflow.port_range_end"]))
            for r_ in releases} == blocks
    assert recs.index(releases[0]) > recs.index(deletes[-1])


def test_syslog_lines_and_blocks_only(monkeypatch):
    col = Collector()
    path = os.path.join(tempfile.mkdtemp(prefix="cgn-syslog-"), "syslog.txt")
    monkeypatch.setenv("CGNAT_SYSLOG_FILE", path)
    try:
        f, sent = lifecycle()
        r = replay(f, logging_conf(port=col.port, syslog=True))
        msgs, recs = decode(col.datagrams(), col.port)
    finally:
        col.close()
    xl = translations(r, sent)
    # without per_session only blocks are logged, both ways
    assert sorted(int(x["cflow.nat_event"]) for x in recs) == \
        [BLOCK_ALLOC] * 3 + [BLOCK_RELEASE] * 3
    lines = [ln.split(": ", 1)[1] for ln in open(path).read().splitlines()]
    assert r.summary["dataplane"]["logging"]["syslog_lines"] == len(lines) == 6
    for rec in of_event(recs, BLOCK_ALLOC):
        sub = rec["cflow.srcaddr"]
        ext = rec["cflow.post_natsource_ipv4_address"]
        want = ("port-block alloc tenant=residential sub=%s ext=%s "
                "ports=%s-%s proto=all time=2025-11-24T16:00:00." % (
                    sub, ext, rec["cflow.port_range_start"],
                    rec["cflow.port_range_end"]))
        assert sum(ln.startswith(want) for ln in lines) == 1
        assert all(e == ext for (_, s, _), (e, _, _, _) in xl.items() if s == sub)
    released = [ln for ln in lines if ln.startswith("port-block release ")]
    assert len(released) == 3
    assert all("time=2025-11-24T16:00:15.0" in ln for ln in released)


def test_quota_exceeded_reported_once_a_second(monkeypatch):
    """RFC 6888 REQ-11c: a subscriber over its session limit is reported to
    the collector (natEvent 13, quota event 3, the limit, the subscriber)
    and in syslog, once per second however many packets are refused. What
    is still held at the end is logged as released."""
    col = Collector()
    path = os.path.join(tempfile.mkdtemp(prefix="cgn-syslog-"), "syslog.txt")
    monkeypatch.setenv("CGNAT_SYSLOG_FILE", path)
    f = Frames()
    for sport in range(5000, 5005):         # 2 pass, 3 refused in 5 ms
        f.add(IP(src=SUBS[0], dst="192.0.2.1") / UDP(sport=sport, dport=53))
    f.wait(1.5)
    f.add(IP(src=SUBS[0], dst="192.0.2.1") / UDP(sport=5005, dport=53))
    conf = (config(nat_extra=SHORT,
                   tenant_extra="    limits: {sessions: 2}") +
            "logging:\n  ipfix: {collector: \"127.0.0.1:%d\", domain: %d}\n"
            "  syslog: true\n" % (col.port, DOMAIN))
    try:
        r = replay(f, conf)
        _, recs = decode(col.datagrams(), col.port)
    finally:
        col.close()
    assert len(r.out) == 2
    assert r.drops("subscriber_session_limit") == 4
    quota = of_event(recs, QUOTA_EXCEEDED)
    assert len(quota) == 2
    for q in quota:
        assert int(q["cflow.nat_quota_exceeded_event"]) == 3
        assert int(q["cflow.max_entries_per_user"]) == 2
        assert q["cflow.srcaddr"] == SUBS[0]
    assert quota[0]["cflow.observation_time_milliseconds"].startswith(
        "Nov 24, 2025 16:00:00.003")
    assert quota[1]["cflow.observation_time_milliseconds"].startswith(
        "Nov 24, 2025 16:00:01.5")
    lines = [ln.split(": ", 1)[1] for ln in open(path).read().splitlines()]
    over = [ln for ln in lines if ln.startswith("quota exceeded: ")]
    assert over == [
        "quota exceeded: sessions per subscriber tenant=residential "
        "sub=%s limit=2 time=2025-11-24T16:00:00.003Z" % SUBS[0],
        "quota exceeded: sessions per subscriber tenant=residential "
        "sub=%s limit=2 time=2025-11-24T16:00:01.506Z" % SUBS[0]]
    # the block still held when the replay ends is released in the log
    alloc, = of_event(recs, BLOCK_ALLOC)
    release, = of_event(recs, BLOCK_RELEASE)
    assert recs.index(release) == len(recs) - 1
    for k in ("cflow.srcaddr", "cflow.post_natsource_ipv4_address",
              "cflow.port_range_start", "cflow.port_range_end"):
        assert release[k] == alloc[k]
    assert [ln for ln in lines if ln.startswith("port-block release ")] == [
        "port-block release tenant=residential sub=%s ext=%s ports=%s-%s "
        "proto=all time=2025-11-24T16:00:01.506Z" % (
            SUBS[0], alloc["cflow.post_natsource_ipv4_address"],
            alloc["cflow.port_range_start"], alloc["cflow.port_range_end"])]
