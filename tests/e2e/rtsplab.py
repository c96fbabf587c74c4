# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""RTSP in the e2e lab (test_rtsp.py): GStreamer's RTSP server on the
internet host, gst-launch-1.0's rtspsrc on the subscriber, and RTP counted
on the wire at both ends, stream by stream (SSRC).

Run as a program (`rtsplab.py serve ADDRESS PORT`), this file is the
server: a mount /test whose every client gets its own live PCMU stream,
50 packets a second."""

import os
import sys
import time

from labutil import INET, SUB, serve_from, wait_port
from siplab import (INET_IF, INET_IP, SUB_IF, SUB_IP, Capture,
                    tshark_fields, wait_text)

RTSP_PORT = 554
# The subscriber's tenant policy, beside the lab's ftp and tftp entries.
RTSP_ON = "    rtsp: {enabled: true}\n"
RTSP_OFF = "    rtsp: {enabled: false}\n"
# Each stream is PLAY_SECONDS long, then ends at the server (a finite
# source), so no stream outlives its client, however that client ends.
PLAY_SECONDS = 4
# A client stops this long after it started, past its stream's end.
CLIENT_SECONDS = PLAY_SECONDS + 2
# Client n asks for RTP/RTCP on ports from CLIENT_PORT + 10 n (rtspsrc's
# port-range), so its packets are told apart on the subscriber's wire.
CLIENT_PORT = 40000

# What each test measured, for the summary at the end of the run
# (conftest.py): dicts with case, nat, client and the figures.
FIGURES = []

# 160 samples a buffer at 8 kHz: one 20 ms PCMU packet each, as a phone
# would send (the default, 1024, makes 8 packets a second). Nothing from
# -ugly or -bad: audiotestsrc (-base), mulawenc and rtppcmupay (-good).
LAUNCH = ("( audiotestsrc is-live=true samplesperbuffer=160 "
          "num-buffers=%d ! " % (50 * PLAY_SECONDS) +
          "audio/x-raw,rate=8000,channels=1 ! mulawenc ! "
          "rtppcmupay name=pay0 pt=0 )")


def serve(address, port):
    import gi
    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtspServer

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(address)
    server.set_service(str(port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(LAUNCH)
    # One pipeline per client: two clients get two streams (SSRCs).
    factory.set_shared(False)
    server.get_mount_points().add_factory("/test", factory)
    if server.attach(None) == 0:
        sys.exit("rtsp server: cannot listen on %s:%s" % (address, port))
    print("rtsp server listening on %s:%s" % (address, port), flush=True)
    GLib.MainLoop().run()


def start_server(lab):
    """The RTSP server on the internet host, sending from INET_IP."""
    serve_from(INET_IP)
    log = "rtsp-server.log"
    proc = lab.background(INET, "/usr/bin/python3", os.path.realpath(__file__),
                          "serve", INET_IP, str(RTSP_PORT), log=log)
    wait_text(os.path.join(lab.tmp, log), "listening", 10, proc)
    wait_port(INET, INET_IP, RTSP_PORT)
    return proc


def client_ports(n):
    return CLIENT_PORT + 10 * n, CLIENT_PORT + 10 * n + 9


def play(lab, n):
    """Client n: rtspsrc over UDP only (no fallback to TCP interleaved)
    for CLIENT_SECONDS, then EOS (SIGINT to gst-launch -e) so it sends
    TEARDOWN; killed if it is still there 3 s later (rtspsrc sometimes
    waits for an EOS that never comes; its stream has ended by then)."""
    return lab.background(
        SUB, "timeout", "-k", "3", "-s", "INT", str(CLIENT_SECONDS),
        "gst-launch-1.0", "-e", "rtspsrc",
        "location=rtsp://%s:%d/test" % (INET_IP, RTSP_PORT),
        "protocols=udp", "port-range=%d-%d" % client_ports(n),
        "!", "rtppcmudepay", "!", "fakesink", log="rtsp-client%d.log" % n)


def client_log(lab, n):
    with open(os.path.join(lab.tmp, "rtsp-client%d.log" % n),
              errors="replace") as f:
        return f.read()


def ssrc_counts(rows):
    counts = {}
    for (ssrc,) in rows:
        counts[ssrc] = counts.get(ssrc, 0) + 1
    return counts


def sessions(lab, clients):
    """clients rtspsrc clients on the subscriber at once. Per client: the
    RTP packets it received on its ports (by SSRC), how many of those the
    server sent (counted on the internet host's wire), and its log; and
    what the server sent in all."""
    sub = Capture(lab, SUB, SUB_IF, "rtsp-sub")
    inet = Capture(lab, INET, INET_IF, "rtsp-inet")
    procs = [play(lab, n) for n in range(clients)]
    for p in procs:
        p.wait(timeout=CLIENT_SECONDS + 10)
    time.sleep(0.5)
    sub_pcap, inet_pcap = sub.stop(), inet.stop()
    sent = ssrc_counts(tshark_fields(
        inet_pcap, "rtp.p_type == 0 && ip.src == %s" % INET_IP, "rtp.ssrc"))
    result = {"server_sent": sum(sent.values()), "server_streams": len(sent),
              "clients": []}
    for n in range(clients):
        lo, hi = client_ports(n)
        got = ssrc_counts(tshark_fields(
            sub_pcap, "rtp.p_type == 0 && ip.dst == %s && "
            "udp.dstport >= %d && udp.dstport <= %d" % (SUB_IP, lo, hi),
            "rtp.ssrc"))
        result["clients"].append({
            "received": sum(got.values()), "ssrcs": sorted(got),
            # what the server sent of the streams this client received
            "sent": sum(sent.get(s, 0) for s in got),
            "log": client_log(lab, n)})
    return result


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "serve":
        sys.exit("usage: rtsplab.py serve ADDRESS PORT")
    serve(sys.argv[2], int(sys.argv[3]))
