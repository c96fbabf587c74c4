# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""SIP ALG over UDP through the real binary: what a proxy sees of the
subscriber's INVITE (headers and SDP rewritten, lengths and checksums
right), what the phone sees of the answer, which RTP gets in (tenant UDP
filtering address-and-port dependent, so only the ALG's expectations
admit media), what ends the media (BYE, a failure, CANCEL), a
registration's lifetime, the trust rules, and the shared SIP captures.

The external endpoints cgnat picks are not known when a capture is
written, so a scenario whose answer must echo them runs twice: once with
the subscriber's messages alone (what they learn: the INVITE's source
and its m= ports as they left), then whole. Replays are deterministic, so
the second run picks the same ports."""

import glob
import os
import re
import subprocess

import pytest
from scapy.all import IP, UDP, Raw, defragment, rdpcap, wrpcap

from cgnlib import Frames, replay, checksums_ok, config, delivered
from cgnlib import two_pass as cgnlib_two_pass

PHONE = "100.64.0.10"
PROXY = "192.0.2.50"
MEDIA = "192.0.2.77"     # the remote party's media, from its answer
OTHER = "192.0.2.66"     # nobody's media
POOL = "203.0.113."
SIP_PORT = 5060
RTP = 40000              # the phone's media port
REM_RTP = 30000


def sip_config(sip="{}", filtering="address-and-port-dependent", extra="",
               subscribers="100.64.0.0/16", mtu=1500):
    """A config whose tenant has the SIP ALG (sip: <sip>) and the given
    UDP filtering."""
    text = config(nat_extra="  filtering: {udp: %s}\n%s" % (filtering, extra),
                  subscribers=subscribers)
    text = text.replace("/24\n", "/24\n    mtu: %d\n" % mtu).replace(
        "/10\n", "/10\n    mtu: %d\n" % mtu)
    return text.rstrip("\n") + "\n    sip: %s\n" % sip


def sip_counters(r):
    return r.summary["dataplane"]["alg"]["residential/sip"]


# ---- messages ----

def sdp_body(addr, port, rtcp=None, media_c=True, extra="", eol="\r\n"):
    lines = ["v=0", "o=alice 2890844526 2890844526 IN IP4 %s" % addr, "s=-",
             "c=IN IP4 %s" % addr, "t=0 0", "m=audio %d RTP/AVP 0" % port]
    if media_c:
        lines.append("c=IN IP4 %s" % addr)
    if rtcp is not None:
        lines.append("a=rtcp:%d IN IP4 %s" % (rtcp, addr))
    lines.append("a=rtpmap:0 PCMU/8000")
    return eol.join(lines) + eol + extra


def sip_msg(start, headers, body="", cl=None, eol="\r\n", ctype=True):
    """A SIP message; Content-Length is the body's unless cl says."""
    hdrs = list(headers)
    if body and ctype:
        hdrs.append("Content-Type: application/sdp")
    hdrs.append("Content-Length: %s" % (len(body) if cl is None else cl))
    return (start + eol + eol.join(hdrs) + eol + eol + body).encode()


def branch(callid):
    """A branch parameter for callid that does not repeat its address."""
    return "z9hG4bK-" + callid.split("@")[0]


def invite(phone, callid, body, cseq=1, ruri="sip:bob@%s" % PROXY,
           port=SIP_PORT, extra=(), **kw):
    ep = "%s:%d" % (phone, port)
    return sip_msg("INVITE %s SIP/2.0" % ruri, [
        "Via: SIP/2.0/UDP %s;branch=%s;rport" % (ep, branch(callid)),
        "Max-Forwards: 70",
        "From: Alice <sip:alice@%s>;tag=1928301774" % phone,
        "To: Bob <sip:bob@%s>" % PROXY,
        "Call-ID: %s" % callid,
        "CSeq: %d INVITE" % cseq,
        "Contact: <sip:alice@%s>" % ep,
        "P-Asserted-Identity: <sip:alice@%s>" % ep] + list(extra), body, **kw)


def request(method, phone, callid, cseq, port=SIP_PORT, to_tag=";tag=b1"):
    """An in-dialog request (BYE, CANCEL, ACK) from the phone."""
    ep = "%s:%d" % (phone, port)
    return sip_msg("%s sip:bob@%s SIP/2.0" % (method, PROXY), [
        "Via: SIP/2.0/UDP %s;branch=%s-%d;rport" % (ep, branch(callid), cseq),
        "From: Alice <sip:alice@%s>;tag=1928301774" % phone,
        "To: Bob <sip:bob@%s>%s" % (PROXY, to_tag),
        "Call-ID: %s" % callid,
        "CSeq: %d %s" % (cseq, method), "Max-Forwards: 70"])


def response(status, ext, callid, cseq=1, method="INVITE", body="",
             extra=()):
    """The proxy's answer: its Via echoes what it received (sent-by the
    external endpoint, received and rport stamped, RFC 3581)."""
    addr, port = ext
    return sip_msg("SIP/2.0 %s" % status, [
        "Via: SIP/2.0/UDP %s:%d;branch=%s;received=%s;rport=%d" % (
            addr, port, branch(callid), addr, port),
        "From: Alice <sip:alice@%s>;tag=1928301774" % addr,
        "To: Bob <sip:bob@%s>;tag=b1" % PROXY,
        "Call-ID: %s" % callid,
        "CSeq: %d %s" % (cseq, method),
        "Contact: <sip:bob@%s:5060>" % PROXY] + list(extra), body)


def answer_sdp(addr=MEDIA, port=REM_RTP):
    return ("v=0\r\no=bob 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\n" % (addr, addr, port))


def sig_out(phone, data, port=SIP_PORT):
    return IP(src=phone, dst=PROXY) / UDP(sport=port, dport=SIP_PORT) / Raw(data)


def sig_in(phone, data, port=SIP_PORT, src=PROXY):
    return IP(src=src, dst=phone) / UDP(sport=SIP_PORT, dport=port) / Raw(data)


def rtp(src, sport, dst, dport, tag):
    """An RTP packet (version 2, PCMU, fixed header) whose payload is tag."""
    return IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(
        b"\x80\x00\x00\x01" + b"\x00" * 4 + b"\x12\x34\x56\x78" + tag.encode())


# ---- what left ----

def sip_text(p):
    return bytes(p[UDP].payload).decode("latin-1")


def left(r, callid, first_line):
    """Text of the messages of a call that cgnat sent, whose start line
    begins with first_line."""
    return [p for p in r.out if UDP in p and callid.encode() in bytes(p)
            and sip_text(p).startswith(first_line)]


def header(text, name):
    """Values of a header field (full name, case-insensitive)."""
    head = text.split("\r\n\r\n", 1)[0]
    return [ln.split(":", 1)[1].strip() for ln in head.split("\r\n")[1:]
            if ln.split(":", 1)[0].strip().lower() == name.lower()]


def body_of(text):
    return text.split("\r\n\r\n", 1)[1]


def cl_right(text):
    """Content-Length (or l) equals the body's length in bytes."""
    sep = "\r\n\r\n" if "\r\n\r\n" in text else "\n\n"
    head, body = text.split(sep, 1)
    m = re.search(r"^(?:content-length|l)[ \t]*:[ \t]*(\d+)", head,
                  re.I | re.M)
    return m is not None and int(m.group(1)) == len(body.encode("latin-1"))


def learned(r, callid):
    """(external address, port) of the INVITE of callid as it left, and
    its SDP m= / a=rtcp ports."""
    p = left(r, callid, "INVITE")[0]
    text = sip_text(p)
    m = re.search(r"m=audio (\d+)", text)
    c = re.search(r"a=rtcp:(\d+)", text)
    return dict(ext=(p[IP].src, p[UDP].sport),
                rtp=int(m.group(1)) if m else None,
                rtcp=int(c.group(1)) if c else None)


def tshark_malformed(pkts):
    """Frames tshark flags as malformed or with a bad checksum."""
    path = "/tmp/cgn-sip-tshark-%d.pcap" % os.getpid()
    wrpcap(path, pkts)
    p = subprocess.run(["tshark", "-r", path, "-o", "udp.check_checksum:TRUE",
                        "-o", "ip.check_checksum:TRUE", "-Y",
                        "_ws.malformed || _ws.expert.severity >= error "
                        "|| udp.checksum.status == 2 || ip.checksum.status == 2",
                        "-T", "fields", "-e", "frame.number"],
                       capture_output=True, text=True, timeout=60)
    os.unlink(path)
    assert p.returncode == 0, p.stderr
    return [ln for ln in p.stdout.split() if ln]


def two_pass(build, conf):
    """build(f, None) is the subscriber's opening; build(f, learn) the
    whole capture, where learn(callid) reads the first run's output."""
    return cgnlib_two_pass(build, conf, learned)


# ---- a call: rewrite, answer, media, BYE ----

CALL = "call-1@100.64.0.10"


def build_call(f, learn):
    f.add(sig_out(PHONE, invite(PHONE, CALL, sdp_body(PHONE, RTP, rtcp=RTP + 1))))
    if learn is None:
        return
    got = learn(CALL)
    f.add(sig_in(PHONE, response("100 Trying", got["ext"], CALL)))
    f.add(sig_in(PHONE, response("200 OK", got["ext"], CALL,
                                 body=answer_sdp())))
    f.add(sig_out(PHONE, request("ACK", PHONE, CALL, 1)))
    f.add(rtp(MEDIA, REM_RTP, PHONE, RTP, "rtp-in-ok"))
    f.add(rtp(OTHER, REM_RTP, PHONE, RTP, "rtp-in-other"))
    f.add(rtp(MEDIA, REM_RTP + 1, PHONE, RTP + 1, "rtcp-in-ok"))
    f.add(rtp(PHONE, RTP, MEDIA, REM_RTP, "rtp-out"))
    f.add(rtp(MEDIA, REM_RTP, PHONE, RTP, "rtp-in-again"))
    f.add(sig_out(PHONE, request("BYE", PHONE, CALL, 2)))
    f.add(rtp(MEDIA, REM_RTP, PHONE, RTP, "rtp-after-bye"))


@pytest.fixture(scope="module")
def call():
    return two_pass(build_call, sip_config())


def test_invite_leaves_with_the_external_endpoint(call):
    _, r = call
    out = left(r, CALL, "INVITE")
    assert len(out) == 1
    p = out[0]
    ext_addr, ext_port = p[IP].src, p[UDP].sport
    assert ext_addr.startswith(POOL)
    text = sip_text(p)
    ep = "%s:%d" % (ext_addr, ext_port)
    # Nothing names the private address but the opaque Call-ID.
    assert [ln for ln in text.split("\r\n") if PHONE in ln] == \
        ["Call-ID: " + CALL]
    assert header(text, "Via")[0].startswith("SIP/2.0/UDP %s;" % ep)
    assert header(text, "Contact") == ["<sip:alice@%s>" % ep]
    assert header(text, "P-Asserted-Identity") == ["<sip:alice@%s>" % ep]
    # From named the phone without a port (5060, its port): the external
    # endpoint, with its port unless that is 5060 too.
    frm = header(text, "From")[0]
    assert frm.startswith("Alice <sip:alice@%s" % ext_addr)
    body = body_of(text)
    assert "o=alice 2890844526 2890844526 IN IP4 %s\r\n" % ext_addr in body
    assert body.count("c=IN IP4 %s\r\n" % ext_addr) == 2
    got = learned(r, CALL)
    assert got["rtp"] % 2 == 0 and got["rtcp"] == got["rtp"] + 1
    assert "a=rtcp:%d IN IP4 %s\r\n" % (got["rtcp"], ext_addr) in body
    assert cl_right(text)


def test_lengths_and_checksums_are_valid(call):
    _, r = call
    for p in r.out:
        assert checksums_ok(p)
        assert p[IP].len == len(bytes(p[IP]))
        if UDP in p:
            assert p[UDP].len == p[IP].len - p[IP].ihl * 4
    assert tshark_malformed(r.out) == []


def test_answer_reaches_the_phone_with_its_own_via(call):
    _, r = call
    ok = left(r, CALL, "SIP/2.0 200")
    assert len(ok) == 1 and ok[0][IP].dst == PHONE
    via = header(sip_text(ok[0]), "Via")[0]
    assert via == ("SIP/2.0/UDP %s:%d;branch=%s;received=%s;rport=%d"
                   % (PHONE, SIP_PORT, branch(CALL), PHONE, SIP_PORT))
    assert cl_right(sip_text(ok[0]))


def test_media_from_the_answer_address_only(call):
    _, r = call
    got = learned(r, CALL)
    assert len(delivered(r, "rtp-in-ok", PHONE, RTP)) == 1
    assert len(delivered(r, "rtcp-in-ok", PHONE, RTP + 1)) == 1
    assert len(delivered(r, "rtp-in-again", PHONE, RTP)) == 1
    assert delivered(r, "rtp-in-other") == []
    out = delivered(r, "rtp-out", MEDIA, REM_RTP)
    assert len(out) == 1
    # The phone's RTP leaves from the port its SDP advertised.
    assert (out[0][IP].src, out[0][UDP].sport) == (got["ext"][0], got["rtp"])
    assert sip_counters(r)["pinholes_used"] >= 2


def test_bye_ends_the_media(call):
    _, r = call
    assert len(left(r, CALL, "BYE")) == 1
    assert delivered(r, "rtp-after-bye") == []


# ---- what else ends a call's media ----

def build_endings(f, learn):
    """486 to the INVITE; CANCEL from the phone. Before the answer the
    media may come from the signalling peer only."""
    for i, callid in enumerate(("busy@x", "cancel@x")):
        phone, port = "100.64.0.%d" % (20 + i), RTP + 100 * i
        f.add(sig_out(phone, invite(phone, callid, sdp_body(phone, port))))
        if learn is None:
            continue
        got = learn(callid)
        f.add(sig_in(phone, response("180 Ringing", got["ext"], callid)))
        f.add(rtp(PROXY, REM_RTP, phone, port, "early-%s" % callid))
        if callid.startswith("busy"):
            f.add(sig_in(phone, response("486 Busy Here", got["ext"], callid)))
        else:
            f.add(sig_out(phone, request("CANCEL", phone, callid, 1, to_tag="")))
        f.add(rtp(PROXY, REM_RTP, phone, port, "late-%s" % callid))


@pytest.fixture(scope="module")
def endings():
    return two_pass(build_endings, sip_config())[1]


@pytest.mark.parametrize("callid", ["busy@x", "cancel@x"])
def test_failure_or_cancel_ends_the_media(endings, callid):
    assert len(delivered(endings, "early-" + callid)) == 1
    assert delivered(endings, "late-" + callid) == []


def test_cancel_after_answer_keeps_the_media():
    def build(f, learn):
        callid = "late-cancel@x"
        phone = "100.64.0.30"
        f.add(sig_out(phone, invite(phone, callid, sdp_body(phone, RTP))))
        if learn is None:
            return
        got = learn(callid)
        f.add(sig_in(phone, response("200 OK", got["ext"], callid,
                                     body=answer_sdp())))
        f.add(sig_out(phone, request("ACK", phone, callid, 1)))
        f.add(rtp(MEDIA, REM_RTP, phone, RTP, "before-cancel"))
        # A stray (or spoofed, from outside) CANCEL of the answered INVITE.
        f.add(sig_in(phone, request("CANCEL", got["ext"][0], callid, 1,
                                    to_tag="").replace(
            b"CANCEL sip:bob@%s" % PROXY.encode(),
            b"CANCEL sip:alice@%s:%d" % (got["ext"][0].encode(),
                                          got["ext"][1]))))
        f.add(rtp(MEDIA, REM_RTP, phone, RTP, "after-cancel"))
    r = two_pass(build, sip_config())[1]
    assert len(delivered(r, "before-cancel")) == 1
    assert len(delivered(r, "after-cancel")) == 1


# ---- header forms ----

FORMS = "forms@x"


def forms_msg(phone):
    """Compact names, odd case, a folded Via carrying two values, bare LF
    line ends, and a Request-URI naming the phone."""
    body = sdp_body(phone, RTP, eol="\n")
    ep = "%s:%d" % (phone, SIP_PORT)
    lines = [
        "MESSAGE sip:alice@%s SIP/2.0" % ep,
        "v: SIP/2.0/UDP %s;branch=z9hG4bK-a;rport,\n SIP/2.0/UDP 192.0.2.9:5060"
        ";branch=z9hG4bK-b" % ep,
        "VIA  : SIP/2.0/UDP %s;branch=z9hG4bK-c" % ep,
        "f: <sip:alice@%s>;tag=1" % ep,
        "t: <sip:bob@%s>" % PROXY,
        "i: %s" % FORMS,
        "cseq: 7 MESSAGE",
        "m: <sip:alice@%s>" % ep,
        "c: application/sdp",
        "l: %d" % len(body)]
    return ("\n".join(lines) + "\n\n" + body).encode()


def test_compact_folded_bare_lf_case_insensitive():
    f = Frames()
    f.add(sig_out(PHONE, forms_msg(PHONE)))
    r = replay(f, sip_config())
    p = r.one(FORMS)
    text = sip_text(p)
    ext = "%s:%d" % (p[IP].src, p[UDP].sport)
    assert PHONE not in text.replace("i: " + FORMS, "")
    assert text.startswith("MESSAGE sip:alice@%s SIP/2.0\n" % ext)
    assert text.count(ext) == 5        # R-URI, both own Via values, f, m
    assert "SIP/2.0/UDP 192.0.2.9:5060" in text
    assert "c=IN IP4 %s\n" % p[IP].src in text
    assert cl_right(text)
    assert checksums_ok(p) and tshark_malformed([p]) == []
    assert sip_counters(r)["rewritten"] == 1


# ---- registration keeps the signalling mapping ----

REG_TIMEOUTS = "  timeouts: {udp: 20}"


def register(phone, callid, cseq):
    ep = "%s:%d" % (phone, SIP_PORT)
    return sip_msg("REGISTER sip:%s SIP/2.0" % PROXY, [
        "Via: SIP/2.0/UDP %s;branch=z9hG4bK-r%d;rport" % (ep, cseq),
        "From: <sip:alice@%s>;tag=r" % PROXY, "To: <sip:alice@%s>" % PROXY,
        "Call-ID: %s" % callid, "CSeq: %d REGISTER" % cseq,
        "Contact: <sip:alice@%s>;expires=3600" % ep, "Max-Forwards: 70"])


def build_register(f, learn):
    """A granted registration (phone 40) and one never answered (41);
    60 s later, three times the UDP timeout, the registrar calls both.
    learn: the external endpoint of phone 40's REGISTER."""
    for phone, callid in (("100.64.0.40", "reg-ok@x"), ("100.64.0.41",
                                                        "reg-none@x")):
        f.add(sig_out(phone, register(phone, callid, 1)))
    if learn is None:
        return
    got = learn
    f.add(sig_in("100.64.0.40", sip_msg("SIP/2.0 200 OK", [
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-r1;received=%s;rport=%d" % (
            got[0], got[1], got[0], got[1]),
        "From: <sip:alice@%s>;tag=r" % PROXY,
        "To: <sip:alice@%s>;tag=reg" % PROXY, "Call-ID: reg-ok@x",
        "CSeq: 1 REGISTER",
        "Contact: <sip:alice@%s:%d>;expires=120" % got])))
    f.wait(60)
    for phone, callid in (("100.64.0.40", "call-to-40@x"),
                          ("100.64.0.41", "call-to-41@x")):
        f.add(sig_in(phone, sip_msg("OPTIONS sip:alice@%s SIP/2.0" % phone, [
            "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK-o" % PROXY,
            "From: <sip:reg@%s>;tag=o" % PROXY, "To: <sip:alice@%s>" % phone,
            "Call-ID: %s" % callid, "CSeq: 1 OPTIONS"])))


def test_register_200_keeps_the_binding_past_the_udp_timeout():
    conf = sip_config(extra=REG_TIMEOUTS)
    f = Frames()
    build_register(f, None)
    first = replay(f, conf)
    p = first.one("reg-ok@x")
    text = sip_text(p)
    assert "Contact: <sip:alice@%s:%d>;expires=3600" % (
        p[IP].src, p[UDP].sport) in text
    f = Frames()
    build_register(f, (p[IP].src, p[UDP].sport))
    r = replay(f, conf)
    assert len(r.carrying("reg-ok@x")) == 2      # REGISTER out, 200 in
    ok = [p for p in r.carrying("reg-ok@x") if p[IP].dst == "100.64.0.40"]
    assert "Contact: <sip:alice@100.64.0.40:5060>;expires=120" in sip_text(ok[0])
    assert len(delivered(r, "call-to-40@x", "100.64.0.40", SIP_PORT)) == 1
    assert delivered(r, "call-to-41@x") == []


# ---- trust rules ----

def one_invite(phone, data, conf=None, port=SIP_PORT, pre=()):
    f = Frames()
    for d in pre:
        f.add(sig_out(phone, d, port))
    f.add(sig_out(phone, data, port))
    return replay(f, conf or sip_config())


def pinholes(r):
    return sip_counters(r)["pinholes_opened"]


def test_hello_keepalive_first_is_only_malformed():
    """A text keepalive might be the start of a request: counted, and the
    flow stays inspected."""
    inv = invite(PHONE, "hello@x", sdp_body(PHONE, RTP))
    r = one_invite(PHONE, inv, pre=[b"hello"])
    assert PHONE.encode() + b":5060" not in bytes(r.one("hello@x"))
    assert sip_counters(r)["malformed"] == 1


def test_first_payload_not_sip_is_never_inspected():
    inv = invite(PHONE, "late@x", sdp_body(PHONE, RTP))
    r = one_invite(PHONE, inv, pre=[b"GET / HTTP/1.0\r\n\r\n"])
    assert PHONE.encode() + b":5060" in bytes(r.one("late@x"))
    assert pinholes(r) == 0 and sip_counters(r)["parsed"] == 0


# a STUN Binding request (RFC 5389), the keepalive RFC 5626 phones send
STUN = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + b"\x07" * 12


def test_stun_keepalive_first_does_not_switch_the_alg_off():
    inv = invite(PHONE, "ka@x", sdp_body(PHONE, RTP))
    r = one_invite(PHONE, inv, pre=[STUN])
    assert PHONE.encode() + b":5060" not in bytes(r.one("ka@x"))


def test_outsider_cannot_switch_the_alg_off():
    """The phone opens its mapping with an empty datagram (some phones
    do, as a NAT keepalive); before its first message a stranger's junk
    arrives on the signalling session (from the proxy's address: a
    stranger's own address would get a session of its own)."""
    f = Frames()
    f.add(sig_out(PHONE, b""))
    f.add(sig_in(PHONE, b"\x00junk", src=PROXY))
    f.add(sig_out(PHONE, invite(PHONE, "junk@x", sdp_body(PHONE, RTP))))
    r = replay(f, sip_config())
    assert PHONE.encode() + b":5060" not in bytes(r.one("junk@x"))


def test_sdp_naming_another_host_or_a_low_port_opens_nothing():
    for i, body in enumerate((sdp_body("100.64.0.99", RTP),
                              sdp_body(PHONE, 1000),
                              sdp_body(PHONE, RTP, rtcp=1001))):
        callid = "trust%d@x" % i
        r = one_invite(PHONE, invite(PHONE, callid, body))
        assert pinholes(r) == 0, body
        text = sip_text(r.one(callid))
        # the other host's address is left as it was
        if i == 0:
            assert "c=IN IP4 100.64.0.99" in text
        assert cl_right(text)
        assert r.summary["dataplane"]["sessions"]["pinholes"] == 0


def test_content_length_2_32_plus_32_is_malformed():
    body = sdp_body(PHONE, RTP)
    data = invite(PHONE, "cl@x", body, cl=4294967296 + 32)
    r = one_invite(PHONE, data)
    c = sip_counters(r)
    assert c["malformed"] == 1 and c["pinholes_opened"] == 0
    assert c["rewritten"] == 0
    assert bytes(r.one("cl@x")[UDP].payload) == data


def test_hundred_via_values():
    """Our Via, then 99 short ones in three header lines: the message
    still fits a frame; our own value is rewritten, the rest left."""
    short = ["SIP/2.0/UDP p%d" % i for i in range(99)]
    data = sip_msg("OPTIONS sip:bob@%s SIP/2.0" % PROXY, [
        "v: SIP/2.0/UDP %s:5060;rport" % PHONE] +
        ["v: " + ",".join(short[i:i + 33]) for i in (0, 33, 66)] + [
        "f: <sip:a@%s>;tag=1" % PROXY, "t: <sip:b@%s>" % PROXY,
        "i: via100@x", "CSeq: 1 OPTIONS"])
    r = one_invite(PHONE, data, conf=sip_config(mtu=9000))  # 1.8 kB
    p = r.one("via100@x")
    text = sip_text(p)
    assert PHONE not in text and all(v in text for v in short)
    assert header(text, "v")[0] == "SIP/2.0/UDP %s:%d;rport" % (
        p[IP].src, p[UDP].sport)
    assert cl_right(text) and checksums_ok(p)
    assert sip_counters(r)["rewritten"] == 1


def test_uri_ending_at_the_last_byte():
    # No Content-Length: the datagram ends with the last header's URI.
    data = (b"OPTIONS sip:bob@192.0.2.50 SIP/2.0\r\nVia: SIP/2.0/UDP "
            b"100.64.0.10:5060;branch=z9hG4bKe\r\nFrom: <sip:a@x>;tag=1\r\n"
            b"To: <sip:b@y>\r\nCall-ID: end@x\r\nCSeq: 1 OPTIONS\r\n"
            b"Contact: <sip:alice@100.64.0.10:5060>")
    r = one_invite(PHONE, data)
    p = r.one(b"end@x")
    assert checksums_ok(p)
    c = sip_counters(r)
    # malformed (no header end) or parsed: either way nothing read past it
    assert c["malformed"] + c["parsed"] == 1
    for cut in (data[:-1], data + b"\r\n\r\n"):
        r = one_invite(PHONE, cut)
        assert checksums_ok(r.one(b"end@x"))


def test_audio_port_zero_and_via_zero_address():
    data = invite(PHONE, "zero@x", sdp_body(PHONE, 0),
                  extra=["Via: SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bKz"])
    r = one_invite(PHONE, data)
    p = r.one("zero@x")
    text = sip_text(p)
    assert "m=audio 0 RTP/AVP 0" in text
    assert "Via: SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bKz" in text
    assert pinholes(r) == 0 and cl_right(text) and checksums_ok(p)


def test_ipv6_sdp_in_ipv4_signalling_is_left_alone():
    body = ("v=0\r\no=alice 1 1 IN IP6 2001:db8::10\r\ns=-\r\n"
            "c=IN IP6 2001:db8::10\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n")
    r = one_invite(PHONE, invite(PHONE, "v6@x", body))
    p = r.one("v6@x")
    text = sip_text(p)
    assert body_of(text) == body
    assert header(text, "Contact")[0].startswith("<sip:alice@" + POOL)
    c = sip_counters(r)
    assert c["pinholes_opened"] == 0 and c["skipped"] >= 1


def test_alg_off_for_the_tenant_rewrites_nothing():
    data = invite(PHONE, "off@x", sdp_body(PHONE, RTP))
    r = one_invite(PHONE, data, conf=sip_config("{enabled: false}"))
    assert bytes(r.one("off@x")[UDP].payload) == data
    assert sip_counters(r)["parsed"] == 0


def test_monitor_mode_rewrites_nothing_and_counts():
    data = invite(PHONE, "mon@x", sdp_body(PHONE, RTP))
    r = one_invite(PHONE, data, conf=sip_config("{mode: monitor}"))
    assert bytes(r.one("mon@x")[UDP].payload) == data
    c = sip_counters(r)
    assert c["parsed"] == 1 and c["rewritten"] == 0
    assert c["pinholes_opened"] == 0
    assert c["monitor_pinholes"] == 1
    assert c["monitor_rewrites"] == 1
    assert r.summary["dataplane"]["sessions"]["pinholes"] == 0


# ---- the shared captures ----

CAPTURES = "/work/shared/captures/sip"


def capture_flows(path):
    """The capture's UDP packets, its inside host (the sender of the
    first request) and the port it sent to (the SIP port)."""
    pkts = [p for p in rdpcap(path) if IP in p and UDP in p]
    for p in pkts:
        if re.match(rb"[A-Z]+ sip:", bytes(p[UDP].payload)):
            return pkts, p[IP].src, p[UDP].dport
    return [], None, None


def subscriber_for(addr):
    """A subscriber address written with as many characters as addr when
    it can be (the SIP text then keeps its lengths), else None."""
    for c in range(256):
        for d in range(1, 255):
            cand = "100.64.%d.%d" % (c, d)
            if len(cand) == len(addr):
                return cand
    return None


def move_inside(pkts, inside):
    """The packets with the inside host moved into the subscriber prefix:
    in the headers, and in the text when the length allows."""
    new = subscriber_for(inside)
    out = []
    for p in pkts:
        u = p[UDP]
        data = bytes(u.payload)[:u.len - 8]   # not the link padding
        if new is not None:
            data = data.replace(inside.encode(), new.encode())
        q = IP(src=new or "100.64.0.77" if p[IP].src == inside else p[IP].src,
               dst=new or "100.64.0.77" if p[IP].dst == inside else p[IP].dst,
               id=p[IP].id, flags=p[IP].flags) / \
            UDP(sport=u.sport, dport=u.dport) / Raw(data)
        q.time = p.time
        out.append(q)
    return out, new or "100.64.0.77"


@pytest.mark.parametrize("name", [
    n for n in sorted(os.path.basename(x) for x in
                    glob.glob(CAPTURES + "/*.pcap*") +
                    glob.glob(CAPTURES + "/edge/*SYNTH*.pcap"))])
def test_shared_capture_replays_cleanly(name):
    """The capture's first requester is moved into the subscriber prefix
    and the port it sent to made the SIP port."""
    path = os.path.join(CAPTURES, name)
    if not os.path.exists(path):
        path = os.path.join(CAPTURES, "edge", name)
    pkts, inside, port = capture_flows(path)
    if not pkts:
        pytest.skip("no UDP SIP request to replay (SIP over TCP is tested in tests/unit/alg/test_alg_sip_tcp.c)")
    pkts, inside = move_inside(pkts, inside)
    f = Frames()
    for p in pkts:
        f.add(p, at=float(p.time))
    conf = sip_config("{ports: [%d]}" % port, filtering="endpoint-independent")
    r = replay(f, conf)
    assert r.out, "nothing came out"
    assert all(checksums_ok(p) for p in r.out)
    assert tshark_malformed(r.out) == []
    c = sip_counters(r)
    # every SIP message of the signalling flow parsed, nothing refused
    sig = [p for p in pkts if port in (p[UDP].sport, p[UDP].dport)]
    sip = [p for p in sig if re.match(rb"(SIP/2.0 [1-6]\d\d |[A-Z]+ sip:)",
                                      bytes(p[UDP].payload))]
    assert c["parsed"] == len(sip) and sip
    assert c["malformed"] <= len(sig) - len(sip)
    assert c["refused"] == 0
    assert c["rewritten"] <= c["parsed"]
    assert r.drops("alg_unrewritable") == 0 and r.drops("alg_no_state") == 0
    # the inside address leaves only in opaque words (Call-ID, tags, and
    # a digest's uri, which its hash covers)
    for p in r.out:
        if p[IP].dst != inside and UDP in p and p[UDP].dport == port:
            for ln in bytes(p[UDP].payload).split(b"\n"):
                if inside.encode() in ln:
                    assert re.match(rb"(call-id|i|authorization|"
                                    rb"proxy-authorization)\s*:", ln, re.I) or \
                        b"tag=" in ln or b"branch=" in ln, ln


# ---- attacks (findings; xfail while they hold) ----

def options_from(src, phone, callid):
    return sig_in(phone, sip_msg("OPTIONS sip:alice@%s SIP/2.0" % phone, [
        "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK-%s" % (src, branch(callid)),
        "From: <sip:x@%s>;tag=o" % src, "To: <sip:alice@%s>" % phone,
        "Call-ID: %s" % callid, "CSeq: 1 OPTIONS"]), src=src), src


def test_strangers_cannot_use_up_the_phones_alg_states():
    f = Frames()
    f.add(sig_out(PHONE, register(PHONE, "reg@x", 1)))
    for i in range(32):
        pkt, _ = options_from("198.18.0.%d" % (i + 1), PHONE, "scan%d@x" % i)
        f.add(pkt)
    # the phone calls through a second proxy, from the same port
    inv = invite(PHONE, "after-scan@x", sdp_body(PHONE, RTP))
    f.add(IP(src=PHONE, dst="192.0.2.51") / UDP(sport=SIP_PORT, dport=SIP_PORT)
          / Raw(inv))
    r = replay(f, sip_config(filtering="endpoint-independent"))
    assert r.drops("alg_no_state") == 0
    assert len(r.carrying("after-scan@x")) == 1


def test_stray_answers_cannot_fill_the_call_slots():
    def build(f, learn):
        f.add(sig_out(PHONE, register(PHONE, "reg2@x", 1)))
        if learn is None:
            return
        ext = learn.ext
        for i in range(8):
            f.add(sig_in(PHONE, response("200 OK", ext, "stray%d@x" % i,
                                         body=answer_sdp())))
        f.add(sig_out(PHONE, invite(PHONE, "mine@x", sdp_body(PHONE, RTP))))
    conf = sip_config()
    f = Frames()
    build(f, None)
    p = replay(f, conf).one("reg2@x")

    class Learn:
        ext = (p[IP].src, p[UDP].sport)
    f = Frames()
    build(f, Learn)
    r = replay(f, conf)
    got = learned(r, "mine@x")
    assert got["rtp"] != RTP
    assert sip_counters(r)["pinholes_opened"] >= 1


def test_bye_of_media_on_the_sip_port_spares_other_sessions():
    other = "192.0.2.51"

    def build(f, learn):
        f.add(IP(src=PHONE, dst=other) / UDP(sport=SIP_PORT, dport=SIP_PORT)
              / Raw(register(PHONE, "reg3@x", 1)))
        f.add(sig_out(PHONE, invite(PHONE, "samep@x",
                                    sdp_body(PHONE, SIP_PORT))))
        if learn is None:
            return
        got = learn("samep@x")
        f.add(sig_in(PHONE, response("200 OK", got["ext"], "samep@x",
                                     body=answer_sdp())))
        f.add(sig_out(PHONE, request("BYE", PHONE, "samep@x", 2)))
        pkt, _ = options_from(other, PHONE, "still-registered@x")
        f.add(pkt)
    r = two_pass(build, sip_config())[1]
    assert len(delivered(r, "still-registered@x", PHONE, SIP_PORT)) == 1


def test_huge_expires_neither_kills_nor_pins_the_binding():
    conf = sip_config(extra=REG_TIMEOUTS)

    def build(f, ext):
        f.add(sig_out(PHONE, register(PHONE, "huge@x", 1)))
        if ext is None:
            return
        f.add(sig_in(PHONE, sip_msg("SIP/2.0 200 OK", [
            "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-r1;received=%s;rport=%d"
            % (ext[0], ext[1], ext[0], ext[1]),
            "From: <sip:alice@%s>;tag=r" % PROXY,
            "To: <sip:alice@%s>;tag=reg" % PROXY, "Call-ID: huge@x",
            "CSeq: 1 REGISTER",
            "Contact: <sip:alice@%s:%d>;expires=4294967295" % ext])))
        f.wait(2)
        f.add(options_from(PROXY, PHONE, "soon-after@x")[0])
    f = Frames()
    build(f, None)
    p = replay(f, conf).one("huge@x")
    f = Frames()
    build(f, (p[IP].src, p[UDP].sport))
    r = replay(f, conf)
    assert len(delivered(r, "soon-after@x", PHONE, SIP_PORT)) == 1


def mtu_sized_invite(df):
    """An INVITE of exactly 1500 bytes, which the rewrite grows past."""
    body = sdp_body(PHONE, RTP)
    pad = "X-Pad: " + "p" * 900
    data = invite(PHONE, "big@x", body, extra=[pad])
    data = invite(PHONE, "big@x", body,
                  extra=[pad + "p" * (1500 - 28 - len(data))])
    f = Frames()
    f.add(IP(src=PHONE, dst=PROXY, flags="DF" if df else 0, id=4242) /
          UDP(sport=SIP_PORT, dport=SIP_PORT) / Raw(data))
    assert len(bytes(f.pkts[0][IP])) == 1500
    return f


def test_invite_grown_past_the_mtu_is_fragmented_when_df_is_clear():
    r = replay(mtu_sized_invite(df=False), sip_config())
    frags = [p for p in r.out if IP in p and p[IP].id == 4242]
    assert len(frags) == 2, [p.summary() for p in r.out]
    assert all(len(bytes(p[IP])) <= 1500 for p in frags)
    assert r.drops("alg_unrewritable") == 0
    # the receiver's reassembly: one valid datagram, rewritten
    whole = defragment(frags)
    assert len(whole) == 1 and checksums_ok(whole[0])
    text = sip_text(whole[0])
    assert PHONE not in text and POOL in text
    assert len(bytes(whole[0][IP])) > 1500


def test_invite_grown_past_the_mtu_with_df_set_is_counted():
    r = replay(mtu_sized_invite(df=True), sip_config())
    assert not [p for p in r.out if IP in p and p[IP].id == 4242]
    assert r.drops("alg_unrewritable") == 1


def test_fifth_media_is_rewritten_or_the_invite_refused():
    lines = ["v=0", "o=a 1 1 IN IP4 %s" % PHONE, "s=-",
             "c=IN IP4 %s" % PHONE, "t=0 0"]
    for i in range(5):
        lines.append("m=audio %d RTP/AVP 0" % (RTP + 2 * i))
    body = "\r\n".join(lines) + "\r\n"
    r = one_invite(PHONE, invite(PHONE, "five@x", body))
    out = r.carrying("five@x")
    if out:
        ports = re.findall(r"m=audio (\d+)", sip_text(out[0]))
        assert str(RTP + 8) not in ports, ports
