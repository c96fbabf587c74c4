# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""TCP MSS clamping (nat.mss_clamp) through the real binary: the MSS
option of SYN and SYN-ACK segments, both ways, is lowered to the clamp,
never raised, with the TCP checksum kept right; other segments and the
other options are left alone."""

import pytest

from cgnlib import Frames, replay, config, checksums_ok, tcp, IP, TCP

CLAMP = 1400
A, R = "100.64.0.10", "192.0.2.80"
OTHER_OPTS = [("NOP", None), ("WScale", 7), ("SAckOK", b""),
              ("Timestamp", (1, 0))]
# name: (direction, flags, MSS sent, MSS expected out, option list prefix)
CASES = {
    "syn-out": ("out", "S", 1460, CLAMP, []),
    "synack-in": ("in", "SA", 1460, CLAMP, []),
    "syn-out-odd-offset": ("out", "S", 8960, CLAMP, [("NOP", None)]),
    "syn-out-below-clamp": ("out", "S", 1200, 1200, []),
    "ack-out-untouched": ("out", "A", 1460, 1460, []),
}


def segment(name, port):
    direction, flags, mss, _, prefix = CASES[name]
    opts = prefix + [("MSS", mss)] + OTHER_OPTS
    if direction == "out":
        return tcp(A, port, R, 80, flags, "[mss %s]" % name, options=opts)
    return tcp(R, 80, A, port, flags, "[mss %s]" % name, options=opts)


@pytest.fixture(scope="module")
def clamped():
    f = Frames()
    for i, name in enumerate(CASES):
        port = 6000 + i
        if CASES[name][0] == "in":      # the answer to a SYN of ours
            f.add(tcp(A, port, R, 80, "S"))
        f.add(segment(name, port))
    return replay(f, config(nat_extra="  mss_clamp: %d" % CLAMP))


@pytest.mark.parametrize("name", list(CASES))
def test_mss_clamp(clamped, name):
    p = clamped.one("[mss %s]" % name)
    opts = p[TCP].options
    sent = IP(bytes(segment(name, 0)))[TCP].options
    assert dict(opts)["MSS"] == CASES[name][3]
    # Everything but the MSS value is as sent.
    assert [o for o in opts if o[0] != "MSS"] == [o for o in sent if o[0] != "MSS"]
    assert checksums_ok(p)
