# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""The Prometheus endpoint as an operator meets it: promtool's checker on
a scrape, the real Prometheus server scraping cgnat every second and
answering queries that agree with telemetry and with the traffic sent,
and HTTP that a bad client cannot wedge."""

import json
import os
import socket
import subprocess
import tempfile
import time

import pytest

from labutil import BUILD, HERE, RTR, SUB, Lab, ns, telemetry

PORT = 9469			# the default: the config gives no port
PROM_PORT = 19090
PROBE = os.path.join(HERE, "httpprobe.py")

PROM_CONFIG = """
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: cgnat
    static_configs:
      - targets: ["127.0.0.1:%d"]
""" % PORT


@pytest.fixture(scope="module")
def lab():
    lab = Lab(workers=1)
    with open(lab.conf, "a") as f:
        f.write('metrics:\n  listen: "127.0.0.1"\n'
                # nobody listens: the exporter's counters still move
                'logging:\n  ipfix: {collector: "127.0.0.1:4739"}\n')
    try:
        lab.start()
        yield lab
    finally:
        lab.teardown()


@pytest.fixture(scope="module")
def prom(lab):
    """Debian's Prometheus in the router namespace, scraping cgnat."""
    d = os.path.join(lab.tmp, "prometheus")
    os.makedirs(d)
    conf = os.path.join(d, "prometheus.yml")
    with open(conf, "w") as f:
        f.write(PROM_CONFIG)
    lab.background(RTR, "prometheus", "--config.file=" + conf,
                   "--storage.tsdb.path=" + os.path.join(d, "data"),
                   "--web.listen-address=127.0.0.1:%d" % PROM_PORT,
                   log="prometheus.log")
    deadline = time.time() + 20
    while time.time() < deadline:
        if curl("http://127.0.0.1:%d/-/ready" % PROM_PORT).returncode == 0:
            return
        time.sleep(0.2)
    with open(os.path.join(lab.tmp, "prometheus.log")) as f:
        raise AssertionError("prometheus did not start: " + f.read())


def curl(url, *args):
    return ns(RTR, "curl", "-sf", "--max-time", "5", *args, url,
              capture_output=True, text=True)


def query(expr):
    """An instant query through Prometheus's HTTP API: {labels: value}."""
    r = curl("http://127.0.0.1:%d/api/v1/query" % PROM_PORT, "-G",
             "--data-urlencode", "query=" + expr)
    assert r.returncode == 0, r.stderr
    reply = json.loads(r.stdout)
    assert reply["status"] == "success", reply
    return {tuple(sorted((k, v) for k, v in s["metric"].items()
                         if k not in ("__name__", "job", "instance"))):
            float(s["value"][1]) for s in reply["data"]["result"]}


def one(expr):
    v = query(expr)
    assert len(v) == 1, (expr, v)
    return next(iter(v.values()))


def agree(expr, tel, timeout=10):
    """Prometheus's latest sample of expr equals telemetry's reading once
    the counter stops moving (scrapes lag by up to a second)."""
    deadline = time.time() + timeout
    while True:
        want = tel()
        got = query(expr)
        got = next(iter(got.values())) if len(got) == 1 else None
        if got == want:
            return want
        if time.time() > deadline:
            raise AssertionError("%s: prometheus %s, telemetry %s" %
                                 (expr, got, want))
        time.sleep(0.3)


def probe(mode, data=b""):
    r = ns(RTR, "/usr/bin/python3", PROBE, mode, str(PORT), input=data,
           capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_scrape_passes_promtool(lab):
    r = curl("http://127.0.0.1:%d/metrics" % PORT, "-D", "-")
    assert r.returncode == 0, r.stderr
    # text mode has turned the head's CRLFs into LFs
    head, _, body = r.stdout.partition("\n\n")
    assert head.startswith("HTTP/1.1 200"), head
    assert "Content-Type: text/plain; version=0.0.4" in head, head
    p = subprocess.run(["promtool", "check", "metrics"], input=body,
                       capture_output=True, text=True)
    # rc 0 and no lint remark: names, _total suffixes, HELP and TYPE all fit
    assert p.returncode == 0 and p.stdout + p.stderr == "", p.stdout + p.stderr
    types = {}
    for line in body.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            types[name] = kind
        else:
            assert line.startswith("# HELP cgnat_") or \
                line.split("{")[0].split()[0] in types, line
    assert len(types) > 40 and all(n.startswith("cgnat_") for n in types)
    assert types["cgnat_drops_total"] == "counter"
    assert types["cgnat_sessions"] == "gauge"


def test_prometheus_scrapes_what_telemetry_says(lab, prom):
    # cgnat answers an echo only toward a neighbour it knows (the first
    # one is spent on ARP), then five echo requests are five replies
    ns(SUB, "ping", "-c", "2", "-i", "0.2", "-W", "1", "100.64.0.1",
       capture_output=True)
    replies0 = telemetry("/cgnat/interfaces")["sub"]["icmp_echo_replies"]
    r = ns(SUB, "ping", "-c", "5", "-i", "0.2", "-W", "2", "100.64.0.1",
           capture_output=True, text=True)
    assert "5 received" in r.stdout, r.stdout
    # 37 datagrams from an address no tenant owns: dropped as not_subscriber
    drops0 = telemetry("/cgnat/drops")["not_subscriber"]
    ns(SUB, "ip", "addr", "add", "100.65.0.9/10", "dev", "veth-sub-h",
       check=True)
    ns(SUB, "/usr/bin/python3", "-c",
       "import socket\n"
       "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
       "s.bind(('100.65.0.9', 40000))\n"
       "for i in range(37):\n"
       "    s.sendto(b'x' * 100, ('192.0.2.80', 9999))\n", check=True)

    got = agree('cgnat_drops_total{reason="not_subscriber"}',
                lambda: telemetry("/cgnat/drops")["not_subscriber"])
    assert got == drops0 + 37
    got = agree('cgnat_interface_icmp_echo_replies_sent_total'
                '{interface="sub"}',
                lambda: telemetry("/cgnat/interfaces")["sub"][
                    "icmp_echo_replies"])
    assert got == replies0 + 5
    for key in ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes"):
        agree('cgnat_interface_%s_total{interface="sub",role="inside"}' % key,
              lambda: telemetry("/cgnat/interfaces")["sub"][key])
    for key in ("rx_packets", "tx_packets", "drops"):
        agree('cgnat_worker_%s_total{worker="0"}' % key,
              lambda: telemetry("/cgnat/workers")["worker0"][key])
    nat = telemetry("/cgnat/nat")
    assert one("cgnat_port_blocks_capacity") == nat["port_blocks_total"]
    assert one("cgnat_nat_memory_bytes") == nat["memory_bytes"]
    assert one("cgnat_sessions_max") == nat["max_sessions"]
    agree("cgnat_sessions", lambda: telemetry("/cgnat/nat")["sessions"])

    # every drop reason is a series, zeros included, so rate() works
    reasons = query("cgnat_drops_total")
    assert {dict(k)["reason"] for k in reasons} == \
        set(telemetry("/cgnat/drops"))
    # one series per tenant and ALG for each ALG counter
    alg = telemetry("/cgnat/alg")
    series = query("cgnat_alg_parsed_total")
    assert {"%s/%s" % (dict(k)["tenant"], dict(k)["alg"]) for k in series} \
        == set(alg)
    assert one('rate(cgnat_worker_loops_total{worker="0"}[5s])') > 0
    assert one("cgnat_mbufs_capacity") == 8191
    # Prometheus itself found every scrape good
    assert one('up{job="cgnat"}') == 1
    r = curl("http://127.0.0.1:%d/api/v1/targets" % PROM_PORT)
    target = json.loads(r.stdout)["data"]["activeTargets"][0]
    assert target["health"] == "up" and target["lastError"] == "", target


@pytest.mark.parametrize("request_line,status", [
    (b"GET / HTTP/1.1", 404),
    (b"GET /metricsx HTTP/1.1", 404),
    (b"GET /metrics?debug=1 HTTP/1.0", 200),
    (b"POST /metrics HTTP/1.1", 405),
    (b"DELETE /metrics HTTP/1.1", 405),
    (b"GET /metrics SPDY/3", 400),
    (b"hello", 400),
])
def test_other_requests(lab, request_line, status):
    body = b"a=1" if request_line.startswith(b"POST") else b""
    req = request_line + b"\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % \
        len(body) + body
    r = probe("request", req)
    assert r["status"] == status and r["end"] == "eof", r
    if status == 405:
        assert r["headers"]["allow"] == "GET, HEAD"


def test_head(lab):
    r = probe("request", b"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    assert r["status"] == 200 and r["body"] == "", r
    assert int(r["headers"]["content-length"]) > 1000


def test_oversized_request(lab):
    req = b"GET /metrics HTTP/1.1\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n"
    r = probe("request", req)
    assert r["status"] == 431, r
    assert probe("request", b"GET /metrics HTTP/1.1\r\n\r\n")["status"] == 200


def test_idle_and_slow_clients_do_not_stall_scrapes(lab):
    r = probe("stall")
    # eight concurrent scrapes, each complete and quick, while one client
    # sat silent and another trickled its request a byte at a time
    assert len(r["scrapes"]) == 8
    for s in r["scrapes"]:
        assert s["status"] == 200 and s["end"] == "eof", s
        assert s["body_len"] == int(s["headers"]["content-length"]) > 1000
        assert s["seconds"] < 2, s
    # both were cut off at the 5 s read timeout, told why
    for c in (r["idle"], r["slow"]):
        assert c["status"] == 408, c
        assert 4.5 < c["seconds"] < 7, c


def test_connection_cap(lab):
    """Sixteen clients at once are served; the seventeenth is told 503
    rather than queued behind them."""
    code = ("import socket, time\n"
            "held = [socket.create_connection(('127.0.0.1', %d))"
            " for i in range(16)]\n"
            "time.sleep(0.3)\n"
            "s = socket.create_connection(('127.0.0.1', %d), timeout=5)\n"
            "print(s.recv(100).decode().splitlines()[0])\n") % (PORT, PORT)
    r = ns(RTR, "/usr/bin/python3", "-c", code, capture_output=True,
           text=True, timeout=30)
    assert r.stdout.strip() == "HTTP/1.1 503 Service Unavailable", r
    assert probe("request", b"GET /metrics HTTP/1.1\r\n\r\n")["status"] == 200


def test_exit_summary_matches_last_scrape(lab, prom):
    """A flow through the NAT makes a port-block event for the exporter;
    once cgnat stops, its exit summary shows what Prometheus scraped last."""
    r = ns(SUB, "ping", "-c", "3", "-i", "0.2", "-W", "1", "192.0.2.80",
           capture_output=True, text=True)
    assert " 0 received" not in r.stdout, r.stdout
    time.sleep(2.5)		# the event exported, then scraped
    scraped = {k: one("cgnat_log_%s_total" % k)
               for k in ("events", "ipfix_messages", "ipfix_records")}
    created = one("cgnat_sessions_created_total")
    assert scraped["events"] >= 1 and created >= 1, scraped
    rc, out = lab.stop()
    assert rc == 0, out
    line = [x for x in out.splitlines() if x.startswith("logging:")][0]
    summary = dict(kv.split("=") for kv in line.split()[1:])
    for k, v in scraped.items():
        assert float(summary[k]) == v, (k, line, scraped)
    assert "sessions: created %d," % created in out, out


def test_bind_failure_names_the_key():
    """Port taken: cgnat says which key and exits non-zero."""
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen()
    port = held.getsockname()[1]
    d = tempfile.mkdtemp(prefix="cgn-met-")
    conf = os.path.join(d, "c.yaml")
    with open(conf, "w") as f:
        f.write(BIND_CONFIG % port)
    p = subprocess.run([os.path.join(BUILD, "cgnat"), "-c", conf],
                       capture_output=True, text=True, timeout=60)
    held.close()
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert "metrics.listen: cannot listen on 127.0.0.1:%d: Address already " \
        "in use" % port in out, out
    assert "cgnat running" not in out


BIND_CONFIG = """
dataplane:
  workers: 1
  eal: ["--no-huge", "-m", "512", "--no-pci", "--file-prefix=%s"]
  mbufs: 4095
interfaces:
  - {name: sub, role: inside, device: net_null0, address: 100.64.0.1/10}
  - {name: inet, role: outside, device: net_null1, address: 198.51.100.1/24,
     gateway: 198.51.100.254}
pools:
  - {name: public, prefixes: [203.0.113.0/28], ports: 1024-65535,
     block_size: 256}
tenants:
  - {name: residential, subscribers: [100.64.0.0/16], pool: public}
metrics:
  listen: "127.0.0.1:%%d"
""" % (os.environ.get("CGN_LAB_PREFIX", "cgn") + "bind")
