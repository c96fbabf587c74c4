# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""The e2e lab from Python: namespaces up, cgnat (or Linux's NAT, the
reference peer) in the router namespace, helpers to run programs."""

import ipaddress
import json
import os
import signal
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("CGNAT_BUILD", os.path.join(ROOT, "build"))
LAB = os.path.join(HERE, "lab.sh")
POOL = ipaddress.ip_network("203.0.113.0/28")

# Everything the lab makes global is named after CGN_LAB_PREFIX (lab.sh
# reads the same variable): the namespaces and cgnat's DPDK file prefix,
# which is also what dpdk-telemetry.py -f needs.
PREFIX = os.environ.get("CGN_LAB_PREFIX", "cgn")
SUB = PREFIX + "-sub"
RTR = PREFIX + "-rtr"
INET = PREFIX + "-inet"
FILE_PREFIX = PREFIX + "lab"

CONFIG = """
dataplane:
  workers: {workers}
  eal: ["--no-huge", "-m", "{memory}", "--no-pci", "--file-prefix={file_prefix}",
        {eal_extra}"--log-level=lib.*:error"]
  mbufs: {mbufs}
interfaces:
  - name: sub
    role: inside
    device: "{driver}0,iface=veth-sub"
    address: 100.64.0.1/10
  - name: inet
    role: outside
    device: "{driver}1,iface=veth-inet"
    address: 198.51.100.1/24
    gateway: 198.51.100.254
nat:
  max_sessions: {max_sessions}
{nat_extra}
pools:
  - name: public
    prefixes: [203.0.113.0/28]
    ports: 1024-65535
    block_size: 256
tenants:
  - name: residential
    subscribers: [100.64.0.0/16]
    pool: public
    alg_policy: standard
alg_policies:
  - name: standard
    ftp: {{enabled: true, ports: [21]}}
    tftp: {{enabled: true}}
{alg_extra}"""


# Only pinholes admit what the far end starts (test_alg.py, test_sip.py,
# test_rtsp.py): a mapping alone lets nothing new in.
STRICT_FILTERING = """  filtering: {udp: address-and-port-dependent, tcp: address-and-port-dependent}
"""


def lab_config(workers=1, nat_extra="", driver="net_af_packet", eal=(),
               memory=1024, mbufs=8191, max_sessions=131072, alg_extra=""):
    """The lab's cgnat configuration: DRIVER devices on the router's two
    veths, EAL arguments beyond the lab's own, nat_extra under `nat:`,
    alg_extra (indented lines) in the tenant's ALG policy."""
    return CONFIG.format(workers=workers, nat_extra=nat_extra, driver=driver,
                         alg_extra=alg_extra,
                         memory=memory, mbufs=mbufs, max_sessions=max_sessions,
                         file_prefix=FILE_PREFIX,
                         eal_extra="".join('"%s", ' % a for a in eal))


def alg_refusal(alg_extra, build=None):
    """None when `cgnat --check` accepts the lab's configuration with
    alg_extra in its policy (e.g. an ALG enabled), else what it said: a
    build without that ALG refuses to enable it."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml",
                                     prefix=PREFIX + "-alg-probe-") as f:
        f.write(lab_config(alg_extra=alg_extra))
        f.flush()
        r = subprocess.run([os.path.join(build or BUILD, "cgnat"), "-c",
                            f.name, "--check"], capture_output=True, text=True)
    if r.returncode == 0:
        return None
    return (r.stdout + r.stderr).strip()


def serve_from(address):
    """The internet host's traffic toward the pool leaves from address
    (a server's, on its loopback) even from sockets bound to the wildcard:
    else the kernel picks 198.51.100.254, an address no signalling named,
    which a NAT admitting media only from the signalling peer (as
    nf_conntrack_sip and the ALGs do) rightly drops."""
    ns(INET, "ip", "route", "replace", str(POOL), "via", "198.51.100.1",
       "src", address, check=True)


# A UDP echo server for the internet side: it answers each datagram with
# the sender's address and port as it sees them (after the NAT), "|", and
# the datagram.
UDP_SERVER = r"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.80", 9999))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(("%s:%d|" % peer).encode() + data, peer)
"""

# curl's four ways to open an FTP data connection.
FTP_MODES = {
    "active-eprt": ["--ftp-port", "-"],
    "active-port": ["--ftp-port", "-", "--disable-eprt"],
    "passive-epsv": [],
    "passive-pasv": ["--disable-epsv"],
}


def ns(name, *cmd, **kw):
    return subprocess.run(["ip", "netns", "exec", name] + list(cmd), **kw)


def log_text(log):
    """All that was written to the open file log so far."""
    log.flush()
    with open(log.name) as f:
        return f.read()


def start_cgnat(conf, log, build=None, timeout=30):
    """cgnat -c conf in the router namespace, its output to the open
    file log; returns the process once it says it runs."""
    proc = subprocess.Popen(
        ["ip", "netns", "exec", RTR, os.path.join(build or BUILD, "cgnat"),
         "-c", conf], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError("cgnat exited: " + log_text(log))
        if "cgnat running" in log_text(log):
            return proc
        time.sleep(0.2)
    proc.kill()
    proc.wait()
    raise AssertionError("cgnat did not start: " + log_text(log))


class Lab:
    def __init__(self, workers=1, mode="cgnat", nat_extra="", alg_extra=""):
        self.mode = mode
        self.workers = workers
        self.tmp = tempfile.mkdtemp(prefix="cgn-e2e-")
        self.conf = os.path.join(self.tmp, "lab.yaml")
        with open(self.conf, "w") as f:
            f.write(lab_config(workers=workers, nat_extra=nat_extra,
                               alg_extra=alg_extra))
        self.log = open(os.path.join(self.tmp, "cgnat.log"), "w+")
        self.proc = None
        self.bg = []

    def start(self):
        if self.mode == "linux":
            subprocess.run([LAB, "up-linux"], check=True)
            return
        subprocess.run([LAB, "up"], check=True)
        self.proc = start_cgnat(self.conf, self.log)

    def output(self):
        return log_text(self.log)

    def background(self, nsname, *cmd, log=None):
        """Run cmd in nsname until teardown; its output goes to log (a
        file name in the lab's temporary directory), or nowhere."""
        out = subprocess.DEVNULL
        if log is not None:
            out = open(os.path.join(self.tmp, log), "w")
        p = subprocess.Popen(["ip", "netns", "exec", nsname] + list(cmd),
                             stdout=out, stderr=subprocess.STDOUT)
        self.bg.append(p)
        return p

    def stop(self):
        """SIGTERM cgnat; return its exit code and final output."""
        rc = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait()
        elif self.proc is not None:
            rc = self.proc.returncode
        self.proc = None
        return rc, self.output()

    def teardown(self):
        for p in self.bg:
            p.kill()
            p.wait()
        self.stop()
        subprocess.run([LAB, "down"])


def telemetry_query(cmds, timeout=30):
    """Several dpdk-telemetry.py commands to the lab's cgnat in one
    connection; a dict from each command (with its parameter) to its
    parsed value."""
    r = subprocess.run(["dpdk-telemetry.py", "-f", FILE_PREFIX],
                       input="".join(c + "\n" for c in cmds),
                       capture_output=True, text=True, timeout=timeout)
    replies = []
    for line in r.stdout.splitlines():
        try:
            reply = json.loads(line)
        except ValueError:
            continue
        # one key, the command's name without its parameter
        if isinstance(reply, dict) and len(reply) == 1 and \
                next(iter(reply)).startswith("/"):
            replies.append(reply)
    if [next(iter(x)) for x in replies] != [c.split(",")[0] for c in cmds]:
        raise AssertionError("telemetry %s: %s%s" % (cmds, r.stdout, r.stderr))
    return {c: next(iter(x.values())) for c, x in zip(cmds, replies)}


def telemetry(cmd, timeout=30):
    """One query, e.g. telemetry("/cgnat/nat")["sessions"]."""
    return telemetry_query([cmd], timeout)[cmd]


def wait_port(nsname, addr, port, timeout=10):
    code = ("import socket,sys,time\n"
            "d=time.time()+%d\n"
            "while time.time()<d:\n"
            "  try:\n"
            "    socket.create_connection(('%s',%d),1).close();sys.exit(0)\n"
            "  except OSError: time.sleep(0.1)\n"
            "sys.exit(1)\n") % (timeout, addr, port)
    ns(nsname, "/usr/bin/python3", "-c", code, check=True)


