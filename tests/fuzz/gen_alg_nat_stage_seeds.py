#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the hand-built seeds of fuzz_alg_nat_stage (frame format: the
comment at the top of tests/fuzz/alg/fuzz_alg_nat_stage.c) into
tests/fuzz/seeds/fuzz_alg_nat_stage/. Run it again after changing it."""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "seeds", "fuzz_alg_nat_stage")

# Indexes into the target's tables.
SUB5 = 0                                   # subs[]: 10.0.0.5
PROXY, MEDIA = 0, 1                        # hosts[]
P5060, P554, P21, P69, P20, P49170, P3456, P40000, P40001, P2000 = \
    0, 1, 2, 3, 4, 5, 7, 9, 10, 13         # ports[]
SYN, SYNACK, ACK, PSH = 0, 1, 2, 3         # flag_sel[]
FRESH, FLOW, EXPECT, ATTACK = 0, 1, 2, 3   # addressing


def frame(out2in=False, tcp=False, sub=SUB5, host=PROXY, mode=FRESH, k=0,
          lport=P5060, rport=P5060, flags=ACK, delta=0, payload=b"",
          advance=0, sweep=False):
    h0 = int(out2in) | int(tcp) << 1 | int(sweep) << 3 | advance << 4
    h1 = sub | host << 2 | mode << 5
    return struct.pack(">BBBBBbH", h0, h1, k, lport | rport << 4, flags,
                       delta, len(payload)) + payload


def sip(head, sdp=None):
    body = sdp or ""
    extra = "Content-Type: application/sdp\r\n" if sdp else ""
    return ("%sContent-Length: %d\r\n%s\r\n%s" %
            (head, len(body), extra, body)).encode()


VIA = "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK%s;rport\r\n"
DIALOG = ("From: Alice <sip:alice@10.0.0.5>;tag=1928301774\r\n"
          "To: Bob <sip:bob@203.0.113.9>\r\n"
          "Call-ID: a84b4c76e66710@10.0.0.5\r\n")
OFFER = ("v=0\r\no=alice 2890844526 2890844526 IN IP4 10.0.0.5\r\ns=-\r\n"
         "c=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n"
         "a=rtpmap:0 PCMU/8000\r\n")
ANSWER = ("v=0\r\no=bob 2808844564 2808844564 IN IP4 203.0.113.77\r\n"
          "s=-\r\nc=IN IP4 203.0.113.77\r\nt=0 0\r\n"
          "m=audio 3456 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


def call():
    return b"".join([
        frame(payload=sip("INVITE sip:bob@203.0.113.9 SIP/2.0\r\n" +
                          VIA % "776asdhds" + "Max-Forwards: 70\r\n" +
                          DIALOG + "CSeq: 314159 INVITE\r\n"
                          "Contact: <sip:alice@10.0.0.5:5060>\r\n", OFFER)),
        frame(out2in=True, mode=FLOW, payload=sip(
            "SIP/2.0 200 OK\r\n" +
            "Via: SIP/2.0/UDP 198.51.100.1:1024;branch=z9hG4bK776asdhds\r\n"
            + DIALOG.replace("<sip:bob@203.0.113.9>",
                             "<sip:bob@203.0.113.9>;tag=a6c85cf") +
            "CSeq: 314159 INVITE\r\nContact: <sip:bob@203.0.113.9>\r\n",
            ANSWER)),
        frame(mode=FLOW, payload=sip("ACK sip:bob@203.0.113.9 SIP/2.0\r\n" +
                                     VIA % "ack1" + DIALOG +
                                     "CSeq: 314159 ACK\r\n")),
        frame(out2in=True, mode=EXPECT, host=MEDIA, rport=P3456,
              payload=b"rtp."),
        frame(host=MEDIA, lport=P49170, rport=P3456, payload=b"rtp."),
        frame(mode=FLOW, advance=8, payload=sip(
            "BYE sip:bob@203.0.113.9 SIP/2.0\r\n" + VIA % "nashds7" +
            DIALOG + "CSeq: 314160 BYE\r\n")),
    ])


def register():
    return b"".join([
        frame(payload=sip("REGISTER sip:203.0.113.9 SIP/2.0\r\n" +
                          VIA % "reg1" + DIALOG + "CSeq: 1 REGISTER\r\n"
                          "Contact: <sip:alice@10.0.0.5:5060>\r\n"
                          "Expires: 3600\r\n")),
        frame(out2in=True, mode=FLOW, advance=11, sweep=True, payload=sip(
            "SIP/2.0 200 OK\r\n"
            "Via: SIP/2.0/UDP 198.51.100.1:1024;branch=z9hG4bKreg1\r\n" +
            DIALOG + "CSeq: 1 REGISTER\r\n"
            "Contact: <sip:alice@198.51.100.1:1024>;expires=3600\r\n")),
    ])


def ftp_port():
    ctl = dict(tcp=True, mode=FLOW, k=0)
    return b"".join([
        frame(tcp=True, lport=P40000, rport=P21, flags=SYN),
        frame(out2in=True, flags=SYNACK, **ctl),
        frame(flags=ACK, **ctl),
        frame(out2in=True, flags=PSH, payload=b"220 ready\r\n", **ctl),
        frame(flags=PSH, payload=b"PORT 10,0,0,5,156,65\r\n", **ctl),
        frame(out2in=True, flags=PSH, payload=b"200 PORT ok\r\n", **ctl),
        frame(out2in=True, tcp=True, mode=EXPECT, rport=P20, flags=SYN),
        frame(tcp=True, mode=FLOW, k=1, flags=SYNACK),
        frame(flags=PSH, payload=b"QUIT\r\n", **ctl),
    ])


def sip_tcp():
    """A REGISTER cut across two segments, its 200, then an INVITE with
    SDP and a BYE, over one TCP connection to 5060."""
    ctl = dict(tcp=True, mode=FLOW, k=0)
    tvia = VIA.replace("UDP", "TCP")
    reg = sip("REGISTER sip:203.0.113.9 SIP/2.0\r\n" + tvia % "treg" +
              DIALOG + "CSeq: 1 REGISTER\r\n"
              "Contact: <sip:alice@10.0.0.5:40001;transport=tcp>\r\n"
              "Expires: 3600\r\n")
    inv = sip("INVITE sip:bob@203.0.113.9 SIP/2.0\r\n" + tvia % "tinv" +
              DIALOG + "CSeq: 2 INVITE\r\n"
              "Contact: <sip:alice@10.0.0.5:40001;transport=tcp>\r\n",
              OFFER)
    return b"".join([
        frame(tcp=True, lport=P40001, rport=P5060, flags=SYN),
        frame(out2in=True, flags=SYNACK, **ctl),
        frame(flags=ACK, **ctl),
        frame(flags=PSH, payload=reg[:60], **ctl),
        frame(flags=PSH, payload=reg[60:], **ctl),
        frame(out2in=True, flags=PSH, payload=sip(
            "SIP/2.0 200 OK\r\n" +
            "Via: SIP/2.0/TCP 198.51.100.1:1024;branch=z9hG4bKtreg\r\n" +
            DIALOG + "CSeq: 1 REGISTER\r\n"), **ctl),
        frame(flags=PSH, payload=inv, **ctl),
        frame(flags=PSH, payload=sip("BYE sip:bob@203.0.113.9 SIP/2.0\r\n" +
                                     tvia % "tbye" + DIALOG +
                                     "CSeq: 3 BYE\r\n"), **ctl),
    ])


def rtsp():
    """SETUP cut across two segments, its 200 (the client_port the
    fuzzer may turn into the allocated pair), RTP from the server through
    the pinhole, an interleaved frame, then TEARDOWN; to 554."""
    ctl = dict(tcp=True, mode=FLOW, k=0)
    url = "rtsp://203.0.113.9/cam/track1"
    setup = ("SETUP %s RTSP/1.0\r\nCSeq: 3\r\n"
             "Transport: RTP/AVP;unicast;client_port=49170-49171,"
             "RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n" % url).encode()
    ok = ("RTSP/1.0 200 OK\r\nCSeq: 3\r\nSession: 4f2a9c;timeout=60\r\n"
          "Transport: RTP/AVP;unicast;client_port=49170-49171;"
          "server_port=3456-3457;ssrc=1A2B3C4D\r\n\r\n").encode()
    teardown = ("TEARDOWN %s RTSP/1.0\r\nCSeq: 5\r\n"
                "Session: 4f2a9c\r\n\r\n" % url).encode()
    return b"".join([
        frame(tcp=True, lport=P40000, rport=P554, flags=SYN),
        frame(out2in=True, flags=SYNACK, **ctl),
        frame(flags=ACK, **ctl),
        frame(flags=PSH, payload=setup[:50], **ctl),
        frame(flags=PSH, payload=setup[50:], **ctl),
        frame(out2in=True, flags=PSH, payload=ok, **ctl),
        frame(out2in=True, mode=EXPECT, k=0, rport=P3456,
              payload=b"\x80\x60\x00\x01rtp."),
        frame(out2in=True, flags=PSH, payload=b"$\x00\x00\x04abcd", **ctl),
        frame(flags=PSH, payload=teardown, **ctl),
    ])


def tftp_rrq():
    return b"".join([
        frame(lport=P40001, rport=P69, payload=b"\x00\x01boot.img\x00octet\x00"),
        frame(out2in=True, mode=EXPECT, rport=P2000,
              payload=b"\x00\x03\x00\x01" + b"d" * 32),
        frame(mode=FLOW, k=1, payload=b"\x00\x04\x00\x01"),
    ])


SEEDS = {
    "sip_call_apdf": b"\x00" + call(),
    "sip_call_eif": b"\x01" + call(),
    "sip_register": b"\x00" + register(),
    "ftp_port": b"\x00" + ftp_port(),
    "tftp_rrq": b"\x00" + tftp_rrq(),
    "sip_tcp": b"\x00" + sip_tcp(),
    "rtsp": b"\x00" + rtsp(),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
