# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Deterministic mapping (RFC 7422) through the real binary, and the
lookup tool that answers "who had A:P" from the configuration alone
(tools/cgnat-whois). With 256 subscribers (100.64.0.0/24) on 8 addresses
(203.0.113.0/29) and ports 1024-65535, 32 subscribers share an address
with 2016 ports each: subscriber i uses 203.0.113.(i % 8), ports
1024 + (i // 8) * 2016 and the 2015 after."""

import os
import subprocess

import pytest

from cgnlib import BUILD, Frames, replay, config, checksums_ok, udp, tcp, IP, UDP, TCP

# tools/meson.build builds it in BUILD/tools; accept the top level too.
WHOIS = next((p for p in (os.path.join(BUILD, "tools", "cgnat-whois"),
                          os.path.join(BUILD, "cgnat-whois"))
              if os.path.exists(p)), os.path.join(BUILD, "tools", "cgnat-whois"))
ADDRS, PORT_MIN, PER_SUB = 8, 1024, 2016
CONF = config(pool="203.0.113.0/29", pool_extra="    mode: deterministic",
              subscribers="100.64.0.0/24")
# 100.64.0.1 is the inside interface itself, never a subscriber
HOSTS = [2, 7, 8, 10, 100, 200, 255]
R = "192.0.2.80"


def formula(host):
    """(external address, first port, last port) of subscriber host."""
    first = PORT_MIN + (host // ADDRS) * PER_SUB
    return "203.0.113.%d" % (host % ADDRS), first, first + PER_SUB - 1


def sub(host):
    return "100.64.0.%d" % host


@pytest.fixture(scope="module")
def det():
    f = Frames()
    for h in HOSTS:
        f.add(udp(sub(h), 5000, R, 7777, "[u %d]" % h))
        f.add(udp(sub(h), 5001, R, 7777, "[u2 %d]" % h))
        f.add(tcp(sub(h), 6000, R, 80, "S", "[t %d]" % h))
        f.add(udp(R, 7777, sub(h), 5000, "[back %d]" % h))
    return replay(f, CONF)


@pytest.fixture(scope="module")
def conf_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("whois") / "det.yaml"
    path.write_text(CONF)
    return str(path)


def whois(conf, *args):
    p = subprocess.run([WHOIS, "-c", conf] + list(args), capture_output=True,
                       text=True, timeout=30)
    return p.returncode, dict(l.split(": ", 1) for l in p.stdout.splitlines()), p.stderr


def observed(r, h):
    """External endpoints subscriber h was seen with."""
    eps = []
    for tag, layer in (("[u %d]", UDP), ("[u2 %d]", UDP), ("[t %d]", TCP)):
        p = r.one(tag % h)
        assert checksums_ok(p)
        eps.append((p[IP].src, p[layer].sport))
    return eps


@pytest.mark.parametrize("host", HOSTS)
def test_translation_follows_formula(det, host):
    addr, first, last = formula(host)
    for ext, port in observed(det, host):
        assert ext == addr and first <= port <= last
    back = det.one("[back %d]" % host)
    assert (back[IP].dst, back[UDP].dport) == (sub(host), 5000)


@pytest.mark.parametrize("host", HOSTS)
def test_whois_finds_subscriber(det, conf_path, host):
    addr, first, last = formula(host)
    for ext, port in observed(det, host):
        rc, out, _ = whois(conf_path, "%s:%d" % (ext, port), "1764000000")
        assert rc == 0
        assert out["subscriber"] == sub(host) and out["tenant"] == "residential"
        assert out["range"] == "%s:%d-%d" % (addr, first, last)
        assert out["time"].startswith("1764000000 (")
        assert "does not vary with time" in out["time"]


@pytest.mark.parametrize("args,why", [
    (["203.0.113.3:1000"], "no subscriber's range"),     # below the ports
    (["198.51.100.7:5000"], "not an address of any pool"),
    (["203.0.113.3:99999"], "expected ADDR:PORT"),
], ids=["port-below-range", "not-a-pool-address", "bad-port"])
def test_whois_refuses(conf_path, args, why):
    rc, out, err = whois(conf_path, *args)
    assert rc == (2 if "ADDR:PORT" in why else 1)
    assert why in err and out == {}


def test_whois_dynamic_pool_and_bad_config(tmp_path):
    dyn = tmp_path / "dynamic.yaml"
    dyn.write_text(config())
    rc, _, err = whois(str(dyn), "203.0.113.3:5000")
    assert rc == 1 and "dynamic, not deterministic" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text(config(pool="203.0.113.0/29", pool_extra="    mode: sticky"))
    rc, _, err = whois(str(bad), "203.0.113.3:5000")
    assert rc == 1 and "invalid configuration" in err and "pools[0].mode" in err
