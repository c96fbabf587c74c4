# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Inbound filtering through the real binary (RFC 4787 REQ-8, RFC 5382
REQ-3): a subscriber talks to R1:P1, then R1:P1 (the exact remote), R1:P2
(same address, other port) and R2:P1 (other address) send to its mapping.
Endpoint-independent filtering admits all three, address-dependent the
first two, address-and-port-dependent only the first. A refused packet is
dropped and counted "filtered".

Each replay sets both protocols (nat.filtering {udp, tcp}), so three
replays cover the six (protocol, mode) pairs."""

import pytest

from cgnlib import replay, config, checksums_ok, udp, tcp, Frames, IP, UDP, TCP

EIF, ADF, APDF = ("endpoint-independent", "address-dependent",
                  "address-and-port-dependent")
# (udp mode, tcp mode) of each replay
CONFIGS = [(EIF, APDF), (ADF, EIF), (APDF, ADF)]
ADMITS = {EIF: {"same", "port", "addr"}, ADF: {"same", "port"}, APDF: {"same"}}

A = "100.64.0.10"
R1, R2 = "192.0.2.80", "192.0.2.90"
# proto: (inside port, remote port, layer)
FLOWS = {"udp": (5000, 7777, UDP), "tcp": (6000, 80, TCP)}
# probe: (remote address, offset added to the remote port)
PROBES = {"same": (R1, 0), "port": (R1, 1), "addr": (R2, 0)}


def frames():
    f = Frames()
    inp, rport, _ = FLOWS["udp"]
    f.add(udp(A, inp, R1, rport, "open-udp"))
    for probe, (rem, off) in PROBES.items():
        f.add(udp(rem, rport + off, A, inp, "udp-" + probe))
    inp, rport, _ = FLOWS["tcp"]
    f.add(tcp(A, inp, R1, rport, "S", "open-tcp"))
    for probe, (rem, off) in PROBES.items():
        # the known remote answers; the others try a fresh connection
        f.add(tcp(rem, rport + off, A, inp, "SA" if probe == "same" else "S",
                  "tcp-" + probe))
    return f


@pytest.fixture(scope="module", params=CONFIGS,
                ids=["udp-%s,tcp-%s" % c for c in CONFIGS])
def filtered_replay(request):
    udp_mode, tcp_mode = request.param
    conf = config(nat_extra="  filtering: {udp: %s, tcp: %s}" % (udp_mode, tcp_mode))
    return {"udp": udp_mode, "tcp": tcp_mode}, replay(frames(), conf)


@pytest.mark.parametrize("proto", ["udp", "tcp"])
def test_filtering_admits_per_mode(filtered_replay, proto):
    modes, r = filtered_replay
    admits = ADMITS[modes[proto]]
    inp, rport, layer = FLOWS[proto]
    for probe, (rem, off) in PROBES.items():
        got = r.carrying("%s-%s" % (proto, probe))
        if probe not in admits:
            assert got == [], "%s %s: %s admitted" % (proto, modes[proto], probe)
            continue
        assert len(got) == 1, "%s %s: %s refused" % (proto, modes[proto], probe)
        p = got[0]
        assert (p[IP].src, p[layer].sport) == (rem, rport + off)
        assert (p[IP].dst, p[layer].dport) == (A, inp)
        assert checksums_ok(p)
    refused = sum(len(PROBES) - len(ADMITS[m]) for m in modes.values())
    assert r.drops("filtered") == refused
    assert r.drops("no_session") == 0
