# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""FTP ALG through the real binary: every split point of a PORT command,
retransmission, SACK after a length-changing rewrite, and the NAT
Slipstreaming attempts that must open nothing."""

import functools

from scapy.all import IP, TCP, Raw

import cgnlib
from cgnlib import Frames, replay, checksums_ok, config

CLI = "100.64.0.10"
SRV = "192.0.2.21"
POOL = "203.0.113."


# Every FTP connection here is CLI's to SRV's port 21 unless it says.
Conv = functools.partial(cgnlib.Conv, sport=21, cli=CLI, srv=SRV)


def outbound_payload(r, cport_ext=None):
    """Concatenated client payload as it left, per external source port."""
    by_port = {}
    for p in r.out:
        if TCP in p and p[IP].dst == SRV and p[TCP].dport == 21 and Raw in p:
            by_port.setdefault(p[TCP].sport, []).append(p)
    return {k: b"".join(bytes(p[Raw].load) for p in sorted(
        v, key=lambda p: p[TCP].seq)) for k, v in by_port.items()}


def ftp_counters(r):
    return r.summary["dataplane"]["alg"]["residential/ftp"]


def port_arg(addr, port):
    return "%s,%d,%d" % (addr.replace(".", ","), port >> 8, port & 0xff)


CMD = ("PORT %s\r\n" % port_arg(CLI, 40000)).encode()


def test_port_split_at_every_byte_is_rewritten_once():
    f = Frames()
    for k in range(1, len(CMD)):
        conv = Conv(f, cport=20000 + k)
        conv.c(CMD[:k])
        conv.c(CMD[k:])
    r = replay(f)
    cmds = outbound_payload(r)
    assert len(cmds) == len(CMD) - 1
    for text in cmds.values():
        assert text.startswith(b"PORT " + POOL.replace(".", ",").encode())
        assert text.endswith(b"\r\n") and text.count(b"PORT") == 1
    c = ftp_counters(r)
    assert c["rewritten"] == len(CMD) - 1
    assert c["pinholes_opened"] == len(CMD) - 1
    assert all(checksums_ok(p) for p in r.out)


def test_retransmitted_port_is_rewritten_identically():
    f = Frames()
    conv = Conv(f, cport=21000)
    first = conv.c(CMD)
    conv.c(CMD, seq=first[TCP].seq)   # the same segment again
    conv.c(b"NOOP\r\n")
    r = replay(f)
    out = [p for p in r.out if Raw in p and p[IP].dst == SRV]
    assert len(out) == 3
    assert bytes(out[0][Raw]) == bytes(out[1][Raw])
    assert out[0][TCP].seq == out[1][TCP].seq
    # The next segment follows the rewritten length.
    assert out[2][TCP].seq == out[0][TCP].seq + len(out[0][Raw])
    assert ftp_counters(r)["pinholes_opened"] == 1


def test_sack_after_rewrite_is_adjusted():
    f = Frames()
    conv = Conv(f, cport=22000)
    port_seg = conv.c(CMD)
    later = conv.c(b"NOOP\r\n")
    start = later[TCP].seq
    # The server saw the rewritten stream; SACK the NOOP there, as it would.
    r0 = replay(f)
    out = [p for p in r0.out if Raw in p and p[IP].dst == SRV]
    delta = len(out[0][Raw]) - len(port_seg[Raw])
    conv.s(flags="A", sack=(start + delta, start + delta + 6))
    r = replay(f)
    back = [p for p in r.out if TCP in p and p[IP].dst == CLI
            and p[TCP].dport == 22000 and p[TCP].options]
    sack = [o for o in back[-1][TCP].options if o[0] == "SAck"][0][1]
    # cgnat maps the edges back into the client's (unrewritten) space.
    assert sack == (start, start + 6)
    assert checksums_ok(back[-1])


def slip_case(f, cport, segments):
    conv = Conv(f, cport=cport)
    for s in segments:
        conv.c(s)


def test_nat_slipstreaming_attempts_open_nothing():
    f = Frames()
    cases = [
        # PORT in the middle of a line
        [b"NOOP " + CMD],
        # PORT in a segment following one that ended without CRLF
        [b"SITE HELP ", CMD],
        # PORT naming another inside host
        [("PORT %s\r\n" % port_arg("100.64.0.99", 40000)).encode()],
        # PORT naming the NAT's own public address
        [("PORT %s\r\n" % port_arg("203.0.113.1", 40000)).encode()],
        # a privileged inside port
        [("PORT %s\r\n" % port_arg(CLI, 22)).encode()],
    ]
    for i, segs in enumerate(cases):
        slip_case(f, 23000 + i, segs)
    # The classic: a browser's HTTP request smuggling a PORT line to port 80.
    http = Conv(f, cport=23100, sport=80)
    http.c(b"POST / HTTP/1.1\r\nContent-Length: 30\r\n\r\n" + CMD)
    r = replay(f)
    c = ftp_counters(r)
    assert c["pinholes_opened"] == 0 and c["rewritten"] == 0
    assert c["untrusted"] + c.get("malformed", 0) >= 4
    sent = b"".join(bytes(p[Raw].load) for p in r.out if Raw in p)
    # Everything left unmodified: the private address is still there.
    assert sent.count(b"100,64,0,10") == 4
    assert r.summary["dataplane"]["sessions"]["pinholes"] == 0


def two_tenant_config():
    """residential: FTP ALG on port 21; business: FTP ALG switched off;
    lab: FTP ALG on a user-defined port, 2121, only."""
    text = config(subscribers="100.64.0.0/16")
    text = text.replace("""alg_policies:
  - name: standard""", """  - name: business
    subscribers: [100.65.0.0/16]
    pool: public
    alg_policy: noftp
  - name: lab
    subscribers: [100.66.0.0/16]
    pool: public
    alg_policy: ftp2121
alg_policies:
  - name: noftp
    ftp: {enabled: false}
  - name: ftp2121
    ftp: {enabled: true, ports: [2121]}
  - name: standard""")
    return text


def test_alg_policy_is_per_tenant():
    f = Frames()
    res, biz, lab = "100.64.0.10", "100.65.0.10", "100.66.0.10"
    for cli, sport, cport in ((res, 21, 24000), (biz, 21, 24001),
                              (lab, 21, 24002), (lab, 2121, 24003)):
        conv = Conv(f, cport=cport, sport=sport, cli=cli)
        conv.c(("PORT %s\r\n" % port_arg(cli, 40000)).encode())
    r = replay(f, two_tenant_config())
    sent = {(p[TCP].dport, p[IP].src): bytes(p[Raw].load)
            for p in r.out if Raw in p and p[IP].dst == SRV}
    assert len(sent) == 4
    rewritten = [k for k, v in sent.items() if POOL.replace(".", ",").encode() in v]
    untouched = [k for k, v in sent.items() if b"100,6" in v]
    # residential on 21 and lab on 2121 rewritten; business (ALG off) and
    # lab on 21 (not its configured port) pass as they were.
    assert len(rewritten) == 2 and len(untouched) == 2
    assert sorted(k[0] for k in rewritten) == [21, 2121]
    alg = r.summary["dataplane"]["alg"]
    assert alg["residential/ftp"]["rewritten"] == 1
    assert alg["lab/ftp"]["rewritten"] == 1
    assert alg["business/ftp"]["parsed"] == 0


def test_monitor_mode_changes_nothing_and_counts():
    """mode: monitor: the PORT leaves as the client wrote it, no pinhole
    opens (the server's active data SYN finds nothing), and the monitor
    counters and log say what rewrite mode would have done."""
    f = Frames()
    conv = Conv(f, cport=25000)
    sent = conv.c(CMD)
    conv.c(b"NOOP\r\n")
    # The server connects from port 20 to where a rewrite would have sent it.
    for port in range(40000, 40004):
        f.add(IP(src=SRV, dst="203.0.113.1") /
              TCP(sport=20, dport=port, flags="S", seq=9000))
    r = replay(f, config(ftp="true, mode: monitor"))
    out = outbound_payload(r)
    assert list(out.values()) == [CMD + b"NOOP\r\n"]
    port_out = [p for p in r.out if Raw in p and bytes(p[Raw].load) == CMD]
    assert len(port_out) == 1
    # Same sequence numbers and length as sent: no seqadj, no hold.
    assert port_out[0][TCP].seq == sent[TCP].seq
    assert checksums_ok(port_out[0])
    assert not [p for p in r.out if TCP in p and p[TCP].sport == 20]
    c = ftp_counters(r)
    assert c["parsed"] == 1 and c["rewritten"] == 0
    assert c["monitor_rewrites"] == 1 and c["monitor_pinholes"] == 1
    assert c["pinholes_opened"] == 0
    assert r.summary["dataplane"]["sessions"]["pinholes"] == 0
    assert "would rewrite PORT and open a TCP pinhole 192.0.2.21:any -> " \
        "100.64.0.10:40000" in r.stderr


def test_monitor_mode_versus_rewrite_on_the_same_capture():
    """The same capture in rewrite mode: rewritten and a pinhole used, and
    the monitor counters stay 0."""
    f = Frames()
    conv = Conv(f, cport=25001)
    conv.c(CMD)
    r = replay(f)
    c = ftp_counters(r)
    assert c["rewritten"] == 1 and c["pinholes_opened"] == 1
    assert c["monitor_rewrites"] == 0 and c["monitor_pinholes"] == 0
