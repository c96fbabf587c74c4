# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Real RTSP peers through the NAT: GStreamer's RTSP server on the
internet host, rtspsrc with protocols=udp on the subscriber, and the RTP
the client receives counted on its wire against what the server sent.
Three NATs in the same lab:

- cgnat: the tenant's policy enables the RTSP ALG, which must rewrite the
  SETUP's client_port to the mapped pair and admit the server's RTP. A
  build without one refuses that policy (`cgnat --check`), and these
  cases skip, saying so.
- cgnat-algoff: `rtsp: {enabled: false}`. The toggle must be real: the
  server sends to the client's private port number on the pool address,
  which nothing maps, so (almost) nothing arrives.
- linux: nftables NAT with no RTSP helper (Debian's kernel has none). It
  keeps the client's source ports when they are free, and rtspsrc sends
  a packet from each of its ports to the server's first, so the media
  gets in: the baseline a user compares with.

The summary at the end of the run shows the figures side by side
(conftest.py)."""

import pytest

import rtsplab
import siplab
from labutil import Lab, STRICT_FILTERING, alg_refusal

NATS = ["cgnat", "cgnat-algoff", "linux"]

# PLAY_SECONDS at 50 packets a second is about 200 a stream.
MIN_RTP = 100
# Of what the server sent of a stream, what its client must receive.
MIN_DELIVERED = 0.8
# With the ALG off: what may still arrive (none is expected).
MAX_STRAY_RTP = 5


@pytest.fixture(scope="session")
def rtsp_alg_refusal():
    return alg_refusal(rtsplab.RTSP_ON)


@pytest.fixture(scope="module", params=NATS)
def rlab(request, rtsp_alg_refusal):
    nat = request.param
    if nat == "cgnat" and rtsp_alg_refusal is not None:
        pytest.skip("this cgnat has no RTSP ALG: --check refuses "
                    "rtsp: {enabled: true} (%s)" % rtsp_alg_refusal)
    lab = Lab(mode="linux" if nat == "linux" else "cgnat",
              nat_extra=STRICT_FILTERING,
              alg_extra=rtsplab.RTSP_OFF if nat == "cgnat-algoff"
              else rtsplab.RTSP_ON)
    lab.nat = nat
    try:
        lab.start()
        rtsplab.start_server(lab)
        yield lab
    finally:
        siplab.end_processes(lab, sweep=True)
        lab.teardown()


def record(lab, case, r):
    for n, c in enumerate(r["clients"]):
        rtsplab.FIGURES.append({
            "case": case, "nat": lab.nat, "client": n,
            "server_sent": r["server_sent"], "sent": c["sent"],
            "received": c["received"], "ssrcs": len(c["ssrcs"])})


def figures(r):
    """The counts alone, and each client's log's end, for a failure."""
    return "%s\n%s" % (
        {k: v for k, v in r.items() if k != "clients"},
        "\n".join("client %d: received %d of sent %d, SSRCs %s\n%s" % (
            n, c["received"], c["sent"], c["ssrcs"], c["log"][-1500:])
            for n, c in enumerate(r["clients"])))


def assert_delivered(r):
    # Each client got one stream, its own, and (nearly) all of it.
    assert r["server_streams"] == len(r["clients"]), figures(r)
    ssrcs = [s for c in r["clients"] for s in c["ssrcs"]]
    assert len(ssrcs) == len(set(ssrcs)) == len(r["clients"]), figures(r)
    for c in r["clients"]:
        assert c["sent"] >= MIN_RTP, figures(r)
        assert c["received"] >= MIN_DELIVERED * c["sent"], figures(r)


def assert_blocked(r):
    # The server streamed; nothing reached the subscriber.
    assert r["server_sent"] >= MIN_RTP * len(r["clients"]), figures(r)
    for c in r["clients"]:
        assert c["received"] <= MAX_STRAY_RTP, figures(r)


@pytest.mark.parametrize("clients", [1, 2])
def test_rtsp_udp_stream(rlab, clients):
    """clients rtspsrc sessions at once from the subscriber, RTP over UDP:
    with the ALG (and through Linux, which keeps the ports) each client
    receives its own stream; with the ALG off, none arrives."""
    since = len(rlab.bg)
    try:
        r = rtsplab.sessions(rlab, clients)
    finally:
        siplab.end_processes(rlab, since)
    record(rlab, "%d client%s" % (clients, "s" if clients > 1 else ""), r)
    if rlab.nat == "cgnat-algoff":
        assert_blocked(r)
    else:
        assert_delivered(r)
