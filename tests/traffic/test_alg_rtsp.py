# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""RTSP ALG through the real binary: what the server sees of the
subscriber's SETUP (client_port made an external RTP/RTCP pair, the TCP
stream's lengths, sequence numbers and checksums right), what the
subscriber sees of the answer, which RTP and RTCP get in (tenant UDP
filtering address-and-port dependent, so only the ALG's pinholes admit
media), what TEARDOWN and a refusal end, the trust rules, the tenant's
policy (off, monitor, its own ports) and the shared nDPI captures.

The server's answer must echo the external ports cgnat chose, which are
not known when the capture is written: each such scenario runs twice
(cgnlib.two_pass), first with the subscriber's SETUP alone."""

import os
import re

import pytest
from scapy.all import IP, TCP, UDP, Raw, rdpcap

from cgnlib import Conv, Frames, replay, checksums_ok, config, delivered
from cgnlib import two_pass

CLI = "100.64.0.10"
SRV = "192.0.2.30"
OTHER = "192.0.2.66"     # a host that negotiated nothing
POOL = "203.0.113."
RTSP_PORT = 554
RTP, RTCP = 5000, 5001        # the player's media ports: four digits,
EXT_PORTS = "10000-65535"     # the pool's five, so the rewrite grows
S_RTP, S_RTCP = 6970, 6971    # the server's
SESSION = "12345678"
URL = "rtsp://%s/movie" % SRV


def rtsp_config(rtsp="{}", subscribers="100.64.0.0/16", ports=EXT_PORTS):
    """A config whose tenant has the RTSP ALG (rtsp: <rtsp>) and UDP
    filtering address-and-port dependent."""
    return config(nat_extra="  filtering: {udp: address-and-port-dependent}",
                  subscribers=subscribers, ports=ports,
                  alg_extra="    rtsp: %s\n" % rtsp)


def rtsp_counters(r):
    return r.summary["dataplane"]["alg"]["residential/rtsp"]


def pinholes_now(r):
    return r.summary["dataplane"]["sessions"]["pinholes"]


# ---- messages ----

def request(method, cseq, headers=(), url=URL):
    return ("%s %s RTSP/1.0\r\nCSeq: %d\r\n%s\r\n" % (
        method, url, cseq, "".join(h + "\r\n" for h in headers))).encode()


def reply(status, cseq, headers=()):
    return ("RTSP/1.0 %s\r\nCSeq: %d\r\n%s\r\n" % (
        status, cseq, "".join(h + "\r\n" for h in headers))).encode()


def setup_req(cseq, transport, track="track1"):
    return request("SETUP", cseq, ["Transport: " + transport,
                                   "User-Agent: scapy"],
                   url="%s/%s" % (URL, track))


def udp_setup(cseq=2, rtp=RTP):
    return setup_req(cseq, "RTP/AVP;unicast;client_port=%d-%d" % (rtp, rtp + 1))


def media(src, sport, dst, dport, tag):
    """An RTP-looking datagram whose payload carries tag."""
    return IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(
        b"\x80\x60\x00\x01" + b"\x00" * 8 + tag.encode())


# ---- what left ----

def payload(p):
    return bytes(p[TCP].payload)


def sent(r, dst, dport, word):
    """TCP segments cgnat sent to dst:dport whose payload starts with word."""
    return [p for p in r.out if TCP in p and p[IP].dst == dst and
            p[TCP].dport == dport and payload(p).startswith(word)]


def client_ports(data):
    m = re.search(rb"client_port=(\d+)-(\d+)", data)
    return (int(m.group(1)), int(m.group(2))) if m else None


def learned(r):
    """The player's first SETUP as it left (p): its external address and
    client_port pair."""
    p = sent(r, SRV, RTSP_PORT, b"SETUP")[0]
    rtp, rtcp = client_ports(payload(p))
    return dict(addr=p[IP].src, rtp=rtp, rtcp=rtcp, p=p)


# ---- a session: SETUP, answer, media, TEARDOWN ----

def setup_conv(f, learn, cport):
    """A connection whose player sends udp_setup(); with learn (second
    run), also what the SETUP left as, and the server's acknowledgements
    counting it. Returns (conv, learned or None)."""
    conv = Conv(f, cport=cport, sport=RTSP_PORT, cli=CLI, srv=SRV)
    conv.c(udp_setup())
    if learn is None:
        return conv, None
    got = learn()
    conv.srv_shift = len(payload(got["p"])) - len(udp_setup())
    return conv, got


def play_answer(ports):
    return reply("200 OK", 2, [
        "Transport: RTP/AVP;unicast;client_port=%d-%d;server_port=%d-%d"
        % (ports + (S_RTP, S_RTCP)), "Session: %s;timeout=60" % SESSION])


def build_play(f, learn):
    conv, got = setup_conv(f, learn, 40000)
    if got is None:
        return
    ext, pair = got["addr"], (got["rtp"], got["rtcp"])
    conv.s(flags="A")                 # acknowledges the rewritten SETUP
    conv.s(play_answer(pair))
    # the player read its own ports in the answer
    conv.cli_shift = len(play_answer((RTP, RTCP))) - len(play_answer(pair))
    conv.c(request("PLAY", 3, ["Session: " + SESSION]))
    # before any media session exists: strangers and other server ports
    f.add(media(OTHER, S_RTP, ext, got["rtp"], "[rtp other host]"))
    f.add(media(SRV, S_RTP + 10, ext, got["rtp"], "[rtp other port]"))
    f.add(media(SRV, S_RTP, ext, got["rtp"], "[rtp in]"))
    f.add(media(SRV, S_RTCP, ext, got["rtcp"], "[rtcp in]"))
    f.add(media(CLI, RTP, SRV, S_RTP, "[rtp out]"))
    f.add(media(SRV, S_RTP + 10, ext, got["rtp"], "[rtp other port late]"))
    # another session's TEARDOWN ends nothing of this one
    conv.c(request("TEARDOWN", 4, ["Session: 87654321"]))
    conv.s(reply("454 Session Not Found", 4))
    f.add(media(SRV, S_RTP, ext, got["rtp"], "[rtp after other teardown]"))
    conv.c(request("TEARDOWN", 5, ["Session: " + SESSION]))
    conv.s(reply("200 OK", 5, ["Session: " + SESSION]))
    f.add(media(SRV, S_RTCP, ext, got["rtcp"], "[rtcp after teardown]"))
    f.add(media(SRV, S_RTP, ext, got["rtp"], "[rtp after teardown]"))


@pytest.fixture(scope="module")
def play():
    return two_pass(build_play, rtsp_config(), learned)[1]


def test_setup_leaves_with_an_external_port_pair(play):
    out = sent(play, SRV, RTSP_PORT, b"SETUP")
    assert len(out) == 1
    p = out[0]
    assert p[IP].src.startswith(POOL)
    rtp, rtcp = client_ports(payload(p))
    assert rtp % 2 == 0 and rtcp == rtp + 1 and rtp >= 10000
    # the client_port pair is all that changed
    assert payload(p) == udp_setup().replace(
        b"client_port=%d-%d" % (RTP, RTCP), b"client_port=%d-%d" % (rtp, rtcp))
    assert checksums_ok(p)
    assert p[IP].len == len(bytes(p[IP]))


def test_stream_sequence_follows_the_length_change(play):
    setup_out = sent(play, SRV, RTSP_PORT, b"SETUP")[0]
    grown = len(payload(setup_out)) - len(udp_setup())
    assert grown == 2
    play_out = sent(play, SRV, RTSP_PORT, b"PLAY")
    assert len(play_out) == 1
    # the next segment starts where the rewritten SETUP ended
    assert play_out[0][TCP].seq == 1001 + len(payload(setup_out))
    assert payload(play_out[0]) == request("PLAY", 3, ["Session: " + SESSION])
    assert checksums_ok(play_out[0])
    # the server's ACK of the rewritten SETUP reaches the player counting
    # the bytes the player sent
    acks = [p for p in play.out if TCP in p and p[IP].dst == CLI and
            p[TCP].dport == 40000 and not payload(p) and p[TCP].flags == "A"]
    assert len(acks) == 1 and acks[0][TCP].ack == 1001 + len(udp_setup())
    assert checksums_ok(acks[0])


def test_answer_reaches_the_player_with_its_own_ports(play):
    ok = [p for p in play.out if TCP in p and p[IP].dst == CLI and
          payload(p).startswith(b"RTSP/1.0 200") and b"CSeq: 2" in payload(p)]
    assert len(ok) == 1
    assert payload(ok[0]) == play_answer((RTP, RTCP))
    assert ok[0][TCP].seq == 5001 and checksums_ok(ok[0])
    # it shrank back: the player's next acknowledgement, counting what it
    # read, reaches the server counting what the server sent
    ext = client_ports(payload(sent(play, SRV, RTSP_PORT, b"SETUP")[0]))
    play_out = sent(play, SRV, RTSP_PORT, b"PLAY")[0]
    assert play_out[TCP].ack == 5001 + len(play_answer(ext))
    # and the server's next segment is moved back for the player
    td = [p for p in play.out if TCP in p and p[IP].dst == CLI and
          b"RTSP/1.0 454" in payload(p)]
    assert len(td) == 1
    assert td[0][TCP].seq == 5001 + len(play_answer((RTP, RTCP)))
    assert checksums_ok(td[0])


def test_media_from_the_server_ports_only(play):
    assert len(delivered(play, "[rtp in]", CLI, RTP)) == 1
    assert len(delivered(play, "[rtcp in]", CLI, RTCP)) == 1
    assert delivered(play, "[rtp other host]") == []
    assert delivered(play, "[rtp other port]") == []
    assert delivered(play, "[rtp other port late]") == []
    c = rtsp_counters(play)
    assert c["pinholes_opened"] == 2 and c["pinholes_used"] == 2


def test_players_own_media_leaves_from_the_pair(play):
    setup_out = sent(play, SRV, RTSP_PORT, b"SETUP")[0]
    out = delivered(play, "[rtp out]", SRV, S_RTP)
    assert len(out) == 1
    assert (out[0][IP].src, out[0][UDP].sport) == (
        setup_out[IP].src, client_ports(payload(setup_out))[0])
    assert checksums_ok(out[0])


def test_teardown_ends_the_media_of_its_session_only(play):
    assert len(sent(play, SRV, RTSP_PORT, b"TEARDOWN")) == 2
    assert len(delivered(play, "[rtp after other teardown]", CLI, RTP)) == 1
    assert delivered(play, "[rtp after teardown]") == []
    assert delivered(play, "[rtcp after teardown]") == []
    assert pinholes_now(play) == 0


# ---- trust rules ----

ELSEWHERE = setup_req(2, "RTP/AVP;unicast;destination=100.64.0.99;"
                      "client_port=%d-%d" % (RTP, RTCP))
INTERLEAVED = setup_req(2, "RTP/AVP/TCP;unicast;interleaved=0-1")
MULTICAST = setup_req(2, "RTP/AVP;multicast;destination=232.1.1.1;"
                      "port=%d-%d" % (RTP, RTCP))
HTTP_FIRST = b"GET / HTTP/1.1\r\nHost: %s\r\n\r\n" % SRV.encode()


@pytest.fixture(scope="module")
def untrusted():
    """Four connections whose SETUP must pass as the player wrote it."""
    f = Frames()
    Conv(f, cport=41000, sport=RTSP_PORT, cli=CLI, srv=SRV).c(ELSEWHERE)
    Conv(f, cport=41001, sport=RTSP_PORT, cli=CLI, srv=SRV).c(INTERLEAVED)
    Conv(f, cport=41003, sport=RTSP_PORT, cli=CLI, srv=SRV).c(MULTICAST)
    # NAT Slipstreaming: a page's HTTP request to port 554, then a SETUP
    # the page made the browser send in the same connection
    slip = Conv(f, cport=41002, sport=RTSP_PORT, cli=CLI, srv=SRV)
    slip.c(HTTP_FIRST)
    slip.c(udp_setup(rtp=RTP + 20))
    return replay(f, rtsp_config())


def test_destination_naming_another_host_is_not_followed(untrusted):
    out = [p for p in sent(untrusted, SRV, RTSP_PORT, b"SETUP")
           if b"destination=100.64.0.99" in payload(p)]
    assert len(out) == 1 and payload(out[0]) == ELSEWHERE
    assert rtsp_counters(untrusted)["untrusted"] == 1


@pytest.mark.parametrize("data", [INTERLEAVED, MULTICAST],
                         ids=["interleaved", "multicast"])
def test_interleaved_and_multicast_are_left_alone(untrusted, data):
    out = [p for p in sent(untrusted, SRV, RTSP_PORT, b"SETUP")
           if payload(p) == data]
    assert len(out) == 1 and checksums_ok(out[0])


def test_setup_after_http_in_the_same_stream_opens_nothing(untrusted):
    out = [p for p in untrusted.out if TCP in p and p[IP].dst == SRV and
           b"client_port=%d" % (RTP + 20) in payload(p)]
    assert len(out) == 1 and payload(out[0]) == udp_setup(rtp=RTP + 20)
    assert checksums_ok(out[0])


def test_untrusted_setups_open_nothing(untrusted):
    c = rtsp_counters(untrusted)
    assert c["pinholes_opened"] == 0 and c["rewritten"] == 0
    # the RTSP streams were read; the one that began with HTTP never
    assert c["parsed"] == 3
    assert pinholes_now(untrusted) == 0
    assert untrusted.drops("alg_unrewritable") == 0


def build_refused(f, learn):
    """The server refuses the transport (461): what the SETUP opened
    closes, and the media it would have sent find nothing."""
    conv, got = setup_conv(f, learn, 42000)
    if got is None:
        return
    conv.s(reply("461 Unsupported Transport", 2))
    f.add(media(SRV, S_RTP, got["addr"], got["rtp"], "[rtp after 461]"))
    f.add(media(SRV, S_RTCP, got["addr"], got["rtcp"], "[rtcp after 461]"))


def test_refusal_closes_the_pinholes():
    first, r = two_pass(build_refused, rtsp_config(), learned)
    assert pinholes_now(first) == 2       # the SETUP alone: open
    assert rtsp_counters(r)["pinholes_opened"] == 2
    assert pinholes_now(r) == 0
    assert len([p for p in r.out if TCP in p and p[IP].dst == CLI and
                payload(p).startswith(b"RTSP/1.0 461")]) == 1
    assert delivered(r, "[rtp after 461]") == []
    assert delivered(r, "[rtcp after 461]") == []


# ---- the tenant's policy ----

def one_setup(conf, sport=RTSP_PORT, cport=43000, data=None):
    f = Frames()
    Conv(f, cport=cport, sport=sport, cli=CLI, srv=SRV).c(data or udp_setup())
    return replay(f, conf)


def test_alg_off_for_the_tenant_changes_nothing():
    r = one_setup(rtsp_config("{enabled: false}"))
    out = sent(r, SRV, RTSP_PORT, b"SETUP")
    assert len(out) == 1 and payload(out[0]) == udp_setup()
    assert rtsp_counters(r)["parsed"] == 0
    assert pinholes_now(r) == 0


def test_monitor_mode_changes_nothing_and_says_what_it_would_open():
    r = one_setup(rtsp_config("{mode: monitor}"))
    out = sent(r, SRV, RTSP_PORT, b"SETUP")
    assert len(out) == 1 and payload(out[0]) == udp_setup()
    assert out[0][TCP].seq == 1001 and checksums_ok(out[0])
    c = rtsp_counters(r)
    assert c["parsed"] == 1 and c["rewritten"] == 0
    assert c["monitor_pinholes"] == 1 and c["monitor_rewrites"] == 1
    assert c["pinholes_opened"] == 0 and pinholes_now(r) == 0
    assert ("monitor: tenant residential rtsp: would rewrite SETUP and open "
            "a UDP pinhole %s:any -> %s:%d" % (SRV, CLI, RTP)) in r.stderr


def test_policy_ports_replace_the_standard_ones():
    """ports: [7070]: a SETUP to 7070 is rewritten, one to 554 is not."""
    f = Frames()
    Conv(f, cport=44000, sport=7070, cli=CLI, srv=SRV).c(udp_setup())
    Conv(f, cport=44001, sport=RTSP_PORT, cli=CLI, srv=SRV).c(udp_setup())
    r = replay(f, rtsp_config("{ports: [7070]}"))
    on = sent(r, SRV, 7070, b"SETUP")
    off = sent(r, SRV, RTSP_PORT, b"SETUP")
    assert len(on) == 1 and len(off) == 1
    rtp, rtcp = client_ports(payload(on[0]))
    assert rtp >= 10000 and rtp % 2 == 0 and rtcp == rtp + 1
    assert payload(off[0]) == udp_setup()
    c = rtsp_counters(r)
    assert c["rewritten"] == 1 and c["pinholes_opened"] == 2


# ---- the shared captures (nDPI, VLC against a LIVE555 server) ----

CAPTURES = "/work/shared/captures/rtsp"
VLC, LIVE555 = "10.1.1.10", "10.2.2.2"


def capture_tcp(path):
    """The capture's TCP/IPv4 packets, once each (ndpi_rtsp.pcap is a
    Linux "any" capture: every packet is there three or four times, one
    per interface it crossed), rebuilt with their checksums computed."""
    seen, out = set(), []
    for p in rdpcap(path):
        if IP not in p or TCP not in p:
            continue
        ip, tc = p[IP], p[TCP]
        data = bytes(ip)[ip.ihl * 4 + tc.dataofs * 4:ip.len]
        key = (ip.src, ip.dst, ip.id, tc.seq, tc.ack, int(tc.flags), data)
        if key in seen:
            continue
        seen.add(key)
        q = IP(src=ip.src, dst=ip.dst, id=ip.id, flags=ip.flags, ttl=ip.ttl) / \
            TCP(sport=tc.sport, dport=tc.dport, seq=tc.seq, ack=tc.ack,
                flags=tc.flags, window=tc.window, options=tc.options)
        q.time = p.time
        out.append(q / Raw(data) if data else q)
    return out


def capture_config(client_net, inside_addr):
    """The tenant and the inside interface moved to the capture's client
    network; the pool's ports have five digits, as the capture's
    client_port do, so the rewrites keep every length and the captured
    sequence numbers stay right for both ends."""
    return rtsp_config("{ports: [8554]}", subscribers=client_net,
                       ports="20000-39999").replace(
        "address: 100.64.0.1/10", "address: %s" % inside_addr)


NDPI = capture_config("10.1.1.0/24", "10.1.1.1/24")


def ndpi_setups(r):
    return [p for p in r.out if TCP in p and p[IP].dst == LIVE555 and
            payload(p).startswith(b"SETUP")]


def ndpi_answers(r):
    return [p for p in r.out if TCP in p and p[IP].dst == VLC and
            b"client_port=" in payload(p)]


def build_ndpi(f, learn):
    """The capture; with learn, the server's answers echo the ports the
    SETUPs left with (as a server behind no NAT of its own does), and
    after the last PLAY the server's RTP comes from its server_port and
    from another port."""
    pkts = capture_tcp(os.path.join(CAPTURES, "ndpi_rtsp.pcap"))
    ext = learn() if learn else {}
    for p in pkts:
        data = payload(p)
        if ext and p[IP].src == LIVE555 and client_ports(data):
            lo, hi = client_ports(data)
            p[Raw].load = data.replace(b"client_port=%d-%d" % (lo, hi),
                                       b"client_port=%d-%d" % ext[lo][1:])
            del p[TCP].chksum
        f.add(p, at=float(p.time))
    if not ext:
        return
    # the last session's first track: 55684-55685, server_port 58938-58939
    addr, rtp, _ = ext[55684]
    f.add(media(LIVE555, 58938, addr, rtp, "[ndpi rtp]"))
    f.add(media(LIVE555, 58950, addr, rtp, "[ndpi rtp other port]"))


def ndpi_learn(r):
    """Each SETUP's original client_port -> (external address, pair)."""
    ins = [p for p in capture_tcp(os.path.join(CAPTURES, "ndpi_rtsp.pcap"))
           if p[IP].src == VLC and payload(p).startswith(b"SETUP")]
    outs = ndpi_setups(r)
    assert len(ins) == len(outs)
    return {client_ports(payload(i))[0]:
            (o[IP].src,) + client_ports(payload(o)) for i, o in zip(ins, outs)}


@pytest.fixture(scope="module")
def ndpi():
    return two_pass(build_ndpi, NDPI, ndpi_learn)


def test_ndpi_setups_leave_with_pool_pairs(ndpi):
    first, r = ndpi
    outs = ndpi_setups(r)
    assert len(outs) == 12                  # six sessions, two tracks each
    for p in outs:
        rtp, rtcp = client_ports(payload(p))
        assert p[IP].src.startswith(POOL)
        assert 20000 <= rtp <= 39999 and rtp % 2 == 0 and rtcp == rtp + 1
        assert checksums_ok(p)
    c = rtsp_counters(first)
    assert c["rewritten"] == 12 and c["pinholes_opened"] == 24
    assert c["malformed"] == 0 and c["refused"] == 0


def test_ndpi_answers_are_mapped_back(ndpi):
    _, r = ndpi
    answers = ndpi_answers(r)
    assert len(answers) == 12
    # each names the player's own ports again, 55664-55665 up to 55686-55687
    got = sorted(client_ports(payload(p)) for p in answers)
    assert got == [(55664 + 2 * i, 55665 + 2 * i) for i in range(12)]
    assert all(checksums_ok(p) for p in answers)


def test_ndpi_answer_narrows_the_media_to_its_server_port(ndpi):
    _, r = ndpi
    assert len(delivered(r, "[ndpi rtp]", VLC, 55684)) == 1
    assert delivered(r, "[ndpi rtp other port]") == []


def test_ndpi_first_connection_without_handshake_is_refused(ndpi):
    """The capture starts inside a connection (port 52470) whose
    handshake it missed: its GET_PARAMETER cannot be read, so it does not
    go out (alg_no_state); every later connection is whole."""
    _, r = ndpi
    assert r.drops("alg_no_state") == 1
    assert not [p for p in r.out if TCP in p and p[TCP].sport == 52470]
    assert rtsp_counters(r)["no_state"] == 1


SINGLE = os.path.join(CAPTURES, "ndpi_rtsp_setup_single.pcapng")


def test_single_setup_capture():
    """One captured SETUP (LibVLC, client_port=50220-50221) with no
    handshake: dropped as it is (no ALG state); after a made-up
    handshake with its sequence numbers, rewritten."""
    conf = capture_config("172.28.5.0/24", "172.28.5.1/24")
    setup = capture_tcp(SINGLE)[0]
    f = Frames()
    f.add(setup)
    r = replay(f, conf)
    assert r.out == [] and r.drops("alg_no_state") == 1
    f = Frames()
    ip, tc = setup[IP], setup[TCP]
    f.add(IP(src=ip.src, dst=ip.dst) / TCP(sport=tc.sport, dport=tc.dport,
                                           flags="S", seq=tc.seq - 1))
    f.add(IP(src=ip.dst, dst=ip.src) / TCP(sport=tc.dport, dport=tc.sport,
                                           flags="SA", seq=tc.ack - 1,
                                           ack=tc.seq))
    f.add(setup)
    r = replay(f, conf)
    out = [p for p in r.out if TCP in p and payload(p).startswith(b"SETUP")]
    assert len(out) == 1
    rtp, rtcp = client_ports(payload(out[0]))
    assert 20000 <= rtp <= 39999 and rtp % 2 == 0 and rtcp == rtp + 1
    assert payload(out[0]) == payload(setup).replace(
        b"client_port=50220-50221", b"client_port=%d-%d" % (rtp, rtcp))
    assert checksums_ok(out[0])


# ---- message forms ----

def conn_ext(r, n):
    """The external port of the n-th connection the player opened: the
    source of the n-th SYN that left."""
    syns = [p for p in r.out if TCP in p and p[IP].dst == SRV and
            p[TCP].flags == "S"]
    return syns[n][TCP].sport


def client_stream(r, n):
    """The player's bytes on its n-th connection as they left, in order."""
    ext = conn_ext(r, n)
    segs = {p[TCP].seq: payload(p) for p in r.out if TCP in p and
            p[IP].dst == SRV and p[TCP].sport == ext and payload(p)}
    return b"".join(segs[k] for k in sorted(segs))


MIXED = setup_req(2, "RTP/AVP/TCP;unicast;interleaved=0-1,"
                  "RTP/AVP;unicast;client_port=%d-%d" % (RTP + 40, RTP + 41))
OWN_DEST = setup_req(2, "RTP/AVP;unicast;destination=%s;client_port=%d-%d"
                     % (CLI, RTP + 60, RTP + 61))
SPLIT = udp_setup(rtp=RTP + 80)


@pytest.fixture(scope="module")
def forms():
    f = Frames()
    # 0: the SETUP cut inside client_port's first number
    conv = Conv(f, cport=45000, sport=RTSP_PORT, cli=CLI, srv=SRV)
    cut = SPLIT.index(b"client_port=") + 14
    conv.c(SPLIT[:cut])
    conv.c(SPLIT[cut:])
    # 1: the same SETUP twice (a retransmission), then an OPTIONS
    conv = Conv(f, cport=45001, sport=RTSP_PORT, cli=CLI, srv=SRV)
    first = conv.c(udp_setup(rtp=RTP + 100))
    conv.c(udp_setup(rtp=RTP + 100), seq=first[TCP].seq)
    conv.c(request("OPTIONS", 3))
    # 2: an interleaved and a UDP transport in one header
    Conv(f, cport=45002, sport=RTSP_PORT, cli=CLI, srv=SRV).c(MIXED)
    # 3: destination= naming the player itself
    Conv(f, cport=45003, sport=RTSP_PORT, cli=CLI, srv=SRV).c(OWN_DEST)
    return replay(f, rtsp_config())


def test_split_setup_is_rewritten_once(forms):
    text = client_stream(forms, 0)
    ports = client_ports(text)
    assert ports and ports[0] >= 10000
    assert text == SPLIT.replace(b"client_port=%d-%d" % (RTP + 80, RTP + 81),
                                 b"client_port=%d-%d" % ports)


def test_retransmitted_setup_is_rewritten_the_same(forms):
    ext = conn_ext(forms, 1)
    out = [p for p in forms.out if TCP in p and p[IP].dst == SRV and
           p[TCP].sport == ext and payload(p)]
    assert len(out) == 3
    assert payload(out[0]) == payload(out[1])
    assert out[0][TCP].seq == out[1][TCP].seq
    assert client_ports(payload(out[0]))[0] >= 10000
    assert out[2][TCP].seq == out[0][TCP].seq + len(payload(out[0]))
    assert payload(out[2]) == request("OPTIONS", 3)


def test_only_the_udp_transport_of_several_is_rewritten(forms):
    text = client_stream(forms, 2)
    ports = client_ports(text)
    assert ports[0] >= 10000
    assert text == MIXED.replace(b"client_port=%d-%d" % (RTP + 40, RTP + 41),
                                 b"client_port=%d-%d" % ports)


def test_destination_naming_the_player_becomes_the_external_address(forms):
    text = client_stream(forms, 3)
    ports = client_ports(text)
    ext = [p for p in forms.out if TCP in p and p[IP].dst == SRV][0][IP].src
    assert text == setup_req(2, "RTP/AVP;unicast;destination=%s;"
                             "client_port=%d-%d" % ((ext,) + ports))


def test_forms_counts(forms):
    c = rtsp_counters(forms)
    # four SETUPs rewritten (the retransmission is not counted again),
    # each opening its pair
    assert c["rewritten"] == 4 and c["pinholes_opened"] == 8
    assert c["malformed"] == 0 and c["refused"] == 0
    assert all(checksums_ok(p) for p in forms.out)


def build_source(f, learn):
    """The answer says the media come from another host (source=): not
    followed, so that host's media stay out and the server's get in."""
    conv, got = setup_conv(f, learn, 46000)
    if got is None:
        return
    conv.s(reply("200 OK", 2, [
        "Transport: RTP/AVP;unicast;client_port=%d-%d;server_port=%d-%d;"
        "source=%s" % (got["rtp"], got["rtcp"], S_RTP, S_RTCP, OTHER),
        "Session: " + SESSION]))
    f.add(media(OTHER, S_RTP, got["addr"], got["rtp"], "[rtp from source]"))
    f.add(media(SRV, S_RTP, got["addr"], got["rtp"], "[rtp from server]"))


def test_answer_naming_another_source_is_not_followed():
    r = two_pass(build_source, rtsp_config(), learned)[1]
    assert delivered(r, "[rtp from source]") == []
    assert len(delivered(r, "[rtp from server]", CLI, RTP)) == 1
    assert rtsp_counters(r)["untrusted"] == 1


# ---- what the ALG cannot follow ----

def test_ninth_stream_of_a_connection_goes_out_as_written():
    """Eight streams per connection (ALG_RTSP_STREAMS_MAX): a ninth
    SETUP's transport leaves with the player's own ports (its address
    is not in it) and opens nothing, counted refused; the player sees
    no media on it and falls back to another transport."""
    f = Frames()
    conv = Conv(f, cport=47000, sport=RTSP_PORT, cli=CLI, srv=SRV)
    for i in range(9):
        conv.c(udp_setup(cseq=2 + i, rtp=RTP + 2 * i))
    r = replay(f, rtsp_config())
    pairs = [client_ports(payload(p)) for p in sent(r, SRV, RTSP_PORT,
                                                      b"SETUP")]
    assert len(pairs) == 9
    assert all(lo >= 10000 for lo, _ in pairs[:8])
    assert pairs[8] == (RTP + 16, RTP + 17)
    c = rtsp_counters(r)
    assert c["rewritten"] == 8 and c["pinholes_opened"] == 16
    assert c["refused"] == 1 and pinholes_now(r) == 16
    assert r.drops("alg_unrewritable") == 0


def build_chosen(f, learn, offer, answer):
    """The player offers the transports of offer; the 2xx names
    answer(pairs), pairs being the client_port pairs the SETUP left
    with; then the server sends RTP to each pair."""
    conv = Conv(f, cport=48000, sport=RTSP_PORT, cli=CLI, srv=SRV)
    conv.c(offer)
    if learn is None:
        return
    got = learn()
    data = payload(got["p"])
    pairs = [tuple(map(int, m)) for m in
             re.findall(rb"client_port=(\d+)-(\d+)", data)]
    conv.srv_shift = len(data) - len(offer)
    conv.s(reply("200 OK", 2, ["Transport: " + answer(pairs),
                               "Session: " + SESSION]))
    for i, (rtp, _) in enumerate(pairs):
        f.add(media(SRV, S_RTP, got["addr"], rtp, "[rtp offer %d]" % i))


def chosen_replay(offer, answer):
    return two_pass(lambda f, learn: build_chosen(f, learn, offer, answer),
                    rtsp_config(), learned)[1]


def test_answer_choosing_one_of_two_ends_the_other():
    offer = setup_req(2, "RTP/AVP;unicast;client_port=%d-%d,"
                      "RTP/AVP;unicast;client_port=%d-%d"
                      % (RTP, RTCP, RTP + 2, RTCP + 2))
    r = chosen_replay(offer, lambda pairs: "RTP/AVP;unicast;client_port="
                      "%d-%d;server_port=%d-%d" % (pairs[1] + (S_RTP, S_RTCP)))
    assert delivered(r, "[rtp offer 0]") == []
    assert len(delivered(r, "[rtp offer 1]", CLI, RTP + 2)) == 1
    assert pinholes_now(r) == 2    # the chosen pair's RTP and RTCP only


def test_answer_choosing_interleaved_over_udp_ends_the_udp_pair():
    r = chosen_replay(MIXED, lambda pairs: "RTP/AVP/TCP;unicast;"
                      "interleaved=0-1")
    assert delivered(r, "[rtp offer 0]") == []
    assert pinholes_now(r) == 0
