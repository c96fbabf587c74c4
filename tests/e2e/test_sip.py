# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Real SIP user agents through the NAT: baresip calls with audio counted
on the wire at both ends, a kamailio registrar on the internet side, and
SIPp. Three NATs in the same lab:

- cgnat: the tenant's policy enables the SIP ALG. A build without one
  refuses that policy (`cgnat --check`), and these cases skip, saying so.
- cgnat-algoff: `sip: {enabled: false}`. The toggle must be real: the call
  connects but its audio is one way, the registrar holds an unreachable
  private Contact, SIPp's SDP reaches the far end with the private address.
- linux: nftables with the sip conntrack helper (nf_conntrack_sip,
  nf_nat_sip), the reference peer, as test_alg.py has for FTP.

The summary at the end of the run shows the figures side by side
(conftest.py)."""

import ipaddress
import re

import pytest

import siplab
from labutil import Lab, POOL, STRICT_FILTERING, alg_refusal

NATS = ["cgnat", "cgnat-algoff", "linux"]


# A call of CALL_SECONDS carries about 50 packets a second each way.
MIN_RTP = 100
# "One way": what may still arrive from the far end (none is expected).
MAX_STRAY_RTP = 5
SIPP_CALLS = 20


@pytest.fixture(scope="session")
def sip_alg_refusal():
    return alg_refusal(siplab.SIP_ON)


@pytest.fixture(scope="module", params=NATS)
def slab(request, sip_alg_refusal):
    nat = request.param
    if nat == "cgnat" and sip_alg_refusal is not None:
        pytest.skip("this cgnat has no SIP ALG: --check refuses "
                    "sip: {enabled: true} (%s)" % sip_alg_refusal)
    lab = Lab(mode="linux" if nat == "linux" else "cgnat",
              nat_extra=STRICT_FILTERING,
              alg_extra=siplab.SIP_OFF if nat == "cgnat-algoff"
              else siplab.SIP_ON)
    lab.nat = nat
    try:
        lab.start()
        siplab.prepare(lab)
        yield lab
    finally:
        siplab.end_processes(lab, sweep=True)
        lab.teardown()


@pytest.fixture
def sip(slab):
    """The lab, and afterwards an end to every process the test started."""
    since = len(slab.bg)
    yield slab
    siplab.end_processes(slab, since)


COUNTS = ("sub_sent", "sub_received", "inet_sent", "inet_received")


def record(lab, case, figures):
    siplab.FIGURES.append(dict(case=case, nat=lab.nat, **{
        k: v for k, v in figures.items() if not k.endswith("_log")}))


def rtp(c):
    """The RTP counts alone, for a failure's message."""
    return {k: c[k] for k in COUNTS}


def assert_two_way(c):
    # Each end sent, and each end received what the other sent.
    for k in COUNTS:
        assert c[k] >= MIN_RTP, "%s: RTP packets %s" % (k, rtp(c))


def assert_one_way(c):
    # Outbound crosses the NAT; inbound never reaches the subscriber.
    assert c["sub_sent"] >= MIN_RTP, rtp(c)
    assert c["inet_received"] >= MIN_RTP, rtp(c)
    assert c["sub_received"] <= MAX_STRAY_RTP, rtp(c)


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_call_audio(sip, transport):
    """The subscriber calls the internet host, which answers by itself:
    the call is established, and RTP flows both ways at both ends (one
    way only with the ALG off)."""
    c = siplab.direct_call(sip, transport)
    record(sip, "call " + transport, c)
    assert "Call established" in c["caller_log"], c["caller_log"][-3000:]
    assert "Call established" in c["callee_log"], c["callee_log"][-3000:]
    if sip.nat == "cgnat-algoff":
        assert_one_way(c)
    else:
        assert_two_way(c)


def test_registered_subscriber_receives_call(sip):
    """The subscriber registers with kamailio through the NAT; a call to
    its AOR reaches it and is answered, audio both ways. With the ALG off
    kamailio holds the private Contact, and the call never arrives."""
    c = siplab.registered_call(sip)
    record(sip, "kamailio incoming", c)
    assert c["registered"], c["callee_log"][-3000:]
    if sip.nat == "cgnat-algoff":
        assert "Call established" not in c["callee_log"], c["callee_log"]
        assert c["sub_received"] <= MAX_STRAY_RTP, rtp(c)
        # baresip's Contact user is alice-<id>
        assert re.search(r"INVITE for \S+ relayed to sip:alice[^@]*@%s:" %
                         re.escape(siplab.SUB_IP), c["kamailio_log"]), \
            c["kamailio_log"][-3000:]
        return
    # kamailio stored the Contact the NAT rewrote: a pool address.
    contacts = re.findall(r"REGISTER \S+ contact <sip:[^@>]*@([0-9.]+)",
                          c["kamailio_log"])
    assert contacts, c["kamailio_log"][-3000:]
    assert all(ipaddress.ip_address(a) in POOL for a in contacts), contacts
    assert "Call established" in c["callee_log"], \
        c["callee_log"][-3000:] + c["kamailio_log"][-3000:]
    assert "Call established" in c["caller_log"], c["caller_log"][-3000:]
    assert_two_way(c)


def test_sipp_sdp_rewritten(sip):
    """SIPp's uac behind the NAT, its uas on the internet host: the calls
    succeed, and the SDP the uas receives names the NAT's external (pool)
    address, never the private one (with the ALG off, the private one)."""
    r = siplab.sipp_calls(sip, SIPP_CALLS)
    record(sip, "sipp %d calls" % SIPP_CALLS, {
        "successful": r["successful"], "failed": r["failed"],
        "sdp_addresses": sorted(set(r["sdp_addresses"]))})
    assert r["successful"] == SIPP_CALLS, r["output"]
    assert r["failed"] == 0, r["output"]
    addrs = r["sdp_addresses"]
    # o= and c= of every INVITE
    assert len(addrs) >= 2 * SIPP_CALLS, addrs
    if sip.nat == "cgnat-algoff":
        assert set(addrs) == {siplab.SUB_IP}, addrs
        return
    assert siplab.SUB_IP not in addrs, addrs
    assert all(ipaddress.ip_address(a) in POOL for a in addrs), addrs
