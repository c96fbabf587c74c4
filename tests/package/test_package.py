#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""The Debian package, installed and run as a service, as an operator would.

  tests/package/test_package.py [--deb-dir build-deb] [--keep]

Takes the .deb that `make deb` built, checks it with lintian, installs it
with apt into a fresh Debian 12 root made by mmdebstrap (so its Depends are
proved complete), checks where the files went, runs `cgnat --check` on the
shipped /etc/cgnat/cgnat.yaml from inside the install, and has
`systemd-analyze verify` read the unit. Then it boots that root with
systemd as PID 1 in a systemd-nspawn container (private network) and
drives the service with systemctl: start, the telemetry socket answering,
reload by SIGHUP without a new process, a bad file refused before start,
a clean stop. Where systemd cannot boot here, it says so and runs the
unit's ExecStartPre/ExecStart/ExecReload lines itself in the root instead.

Ends with "N passed, N failed, N skipped"; exit status 0 when none failed.
"""

import argparse
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SUITE = "bookworm"
UNIT = "/lib/systemd/system/cgnat.service"
CONF = "/etc/cgnat/cgnat.yaml"

# The service's file rewritten for a box without NICs or hugepages: null
# devices, small tables. Same shape as the shipped one otherwise.
RUN_CONF = """\
dataplane:
  workers: 1
  eal: ["--no-huge", "-m", "512", "--no-pci"]
  mbufs: 4095
interfaces:
  - {name: access, role: inside, device: "net_null0",
     address: 100.64.0.1/10}
  - {name: transit, role: outside, device: "net_null1",
     address: 198.51.100.1/29, gateway: 198.51.100.6,
     gateway_mac: "02:00:00:00:00:06"}
pools:
  - {name: public, prefixes: [203.0.113.0/24], ports: 1024-65535,
     block_size: 512}
tenants:
  - name: residential
    subscribers: [100.64.0.0/12]
    pool: public
    limits: {sessions: %(sessions)d, port_blocks: 4}
nat: {max_sessions: 65536, max_subscribers: 4096, max_pinholes: 4096}
logging: {syslog: true}
metrics: {listen: "127.0.0.1:9469"}
config_versions: {dir: /var/lib/cgnat/versions, keep: 10}
"""

# Reads /cgnat/interfaces from the telemetry socket, inside the root (the
# package's python3, not dpdk-dev's dpdk-telemetry.py).
TELEMETRY_PY = r"""
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect("/run/dpdk/rte/dpdk_telemetry.v2")
json.loads(s.recv(16384))
s.send(sys.argv[1].encode())
print(json.dumps(json.loads(s.recv(65536))))
"""

results = {"passed": 0, "failed": 0, "skipped": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print("%s: %s%s" % ("ok" if ok else "FAIL", name,
                        "" if ok or not detail else "\n    " +
                        detail.strip().replace("\n", "\n    ")))
    return ok


def skip(name, why):
    results["skipped"] += 1
    print("SKIP: %s: %s" % (name, why))


def note(text):
    print("NOTE: " + text)


def run(cmd, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.STDOUT)
    kw.setdefault("universal_newlines", True)
    kw.setdefault("timeout", 120)
    return subprocess.run(cmd, **kw)


def unit_lines(text, key):
    return [l.split("=", 1)[1] for l in text.splitlines()
            if l.startswith(key + "=")]


# ---- the .deb itself ----

def check_deb(deb):
    r = run(["dpkg-deb", "-c", deb])
    names = {l.split()[-1].lstrip(".") for l in r.stdout.splitlines()}
    want = ["/usr/sbin/cgnat", "/usr/bin/cgnat-whois", "/usr/bin/pcap-replay",
            "/usr/share/man/man8/cgnat.8.gz",
            "/usr/share/man/man8/cgnatctl.8.gz",
            "/usr/share/man/man1/pcap-replay.1.gz",
            "/usr/share/man/man1/cgnat-whois.1.gz",
            "/usr/sbin/cgnatctl", CONF, UNIT, "/var/lib/cgnat/versions/",
            "/usr/share/doc/cgnat/config.md.gz"]
    missing = [w for w in want if w not in names]
    check("the .deb holds binaries, tools, man pages, unit, config",
          not missing, "missing: %s" % missing)
    r = run(["dpkg-deb", "-f", deb, "Depends"])
    check("Depends names the mempool driver EAL loads at run time",
          "librte-mempool-ring23" in r.stdout, r.stdout)
    with tempfile.TemporaryDirectory() as d:
        run(["dpkg-deb", "-e", deb, d])
        with open(os.path.join(d, "conffiles")) as f:
            conffiles = f.read().split()
    check("%s is a conffile" % CONF, CONF in conffiles, str(conffiles))

    if shutil.which("lintian") is None:
        skip("lintian", "not installed (scripts/setup.sh installs it)")
        return
    r = run(["lintian", "--pedantic", "-I", deb], timeout=300)
    tags = [l for l in r.stdout.splitlines() if re.match(r"^[EWIPX]: ", l)]
    bad = [t for t in tags if t[0] in "EW"]
    for t in tags:
        print("    lintian " + t)
    check("lintian: no error or warning (%d info/pedantic tags)" %
          (len(tags) - len(bad)), not bad, "\n".join(bad))


def check_man_pages(root):
    pages = [root + "/usr/share/man/" + p for p in (
        "man8/cgnat.8.gz", "man8/cgnatctl.8.gz", "man1/pcap-replay.1.gz",
        "man1/cgnat-whois.1.gz")]
    bad = []
    for p in pages:
        if not os.path.isfile(p):
            bad.append(p + ": not installed")
            continue
        r = run(["man", "--warnings", "-l", p],
                env=dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8"))
        text = r.stdout
        name = os.path.basename(p).split(".")[0].upper()
        if r.returncode != 0 or "warning" in text or "NAME" not in text \
                or name not in text:
            bad.append("%s: rc %d %s" % (p, r.returncode, text[:300]))
    check("%d man pages format without groff warnings" % len(pages),
          pages and not bad, "\n".join(bad))


# ---- the throwaway root ----

def make_root(deb, rootdir):
    """A minimal Debian 12 with systemd, then apt installs the .deb in it,
    fetching its Depends (Recommends left out: they are NIC drivers)."""
    t0 = time.time()
    name = os.path.basename(deb)
    cmd = ["mmdebstrap", "--variant=apt", "--quiet",
           "--include=systemd,systemd-sysv,dbus,librte-net-null23",
           "--customize-hook=copy-in %s /tmp" % os.path.abspath(deb),
           "--customize-hook=chroot \"$1\" env DEBIAN_FRONTEND=noninteractive"
           " apt-get install -y -q --no-install-recommends /tmp/" + name,
           "--customize-hook=rm \"$1\"/tmp/" + name,
           SUITE, rootdir]
    r = run(cmd, timeout=900)
    if r.returncode != 0:
        print(r.stdout[-3000:])
        return False
    print("    mmdebstrap: Debian 12 root, cgnat installed by apt, "
          "in %.0f s" % (time.time() - t0))
    return True


def check_installed(rootdir):
    r = run(["chroot", rootdir, "dpkg-query", "-W",
             "-f=${Status} ${Version}", "cgnat"])
    check("apt installed cgnat with its Depends in a fresh Debian 12 root",
          r.stdout.startswith("install ok installed"), r.stdout)
    r = run(["chroot", rootdir, "dpkg", "--verify", "cgnat"])
    check("dpkg --verify cgnat: every file as packaged",
          r.returncode == 0 and r.stdout.strip() == "", r.stdout)
    for path, kind in (("/usr/sbin/cgnat", "x"), ("/usr/sbin/cgnatctl", "x"),
                       ("/usr/bin/cgnat-whois", "x"),
                       ("/usr/bin/pcap-replay", "x"), (CONF, "f"),
                       (UNIT, "f"), ("/var/lib/cgnat/versions", "d")):
        p = rootdir + path
        ok = {"x": os.path.isfile(p) and os.access(p, os.X_OK),
              "f": os.path.isfile(p), "d": os.path.isdir(p)}[kind]
        check("installed: %s" % path, ok)
    r = run(["chroot", rootdir, "/usr/sbin/cgnat", "-c", CONF, "--check"])
    check("cgnat --check passes on the shipped %s" % CONF,
          r.returncode == 0 and "configuration OK" in r.stdout, r.stdout)
    r = run(["chroot", rootdir, "cgnat-whois", "-c", CONF,
             "203.0.113.5:2048"])
    check("cgnat-whois runs from the install (dynamic pool: no answer)",
          r.returncode == 1 and "dynamic, not deterministic" in r.stdout,
          r.stdout)
    r = run(["chroot", rootdir, "pcap-replay", "--help"])
    check("pcap-replay runs on the installed python3",
          r.returncode == 0 and "--expect" in r.stdout, r.stdout)
    r = run(["chroot", rootdir, "systemd-analyze", "verify", "--man=no",
             UNIT])
    check("systemd-analyze verify accepts the unit",
          r.returncode == 0 and r.stdout.strip() == "", r.stdout)
    r = run(["chroot", rootdir, "systemctl", "is-enabled", "cgnat"])
    check("not enabled by the install (the shipped file names "
          "placeholder NICs)", r.stdout.strip() == "disabled", r.stdout)


def write_conf(rootdir, text):
    with open(rootdir + CONF, "w") as f:
        f.write(text)


# ---- systemd in a container ----

class Container:
    """The root booted by systemd-nspawn; commands run in it by nsenter."""

    def __init__(self, rootdir):
        self.rootdir = rootdir
        self.log = open(os.path.join(os.path.dirname(rootdir),
                                     "nspawn.log"), "w")
        self.proc = None
        self.leader = None

    def boot(self, timeout=60):
        self.proc = subprocess.Popen(
            ["systemd-nspawn", "-q", "-D", self.rootdir, "-b",
             "--register=no", "--keep-unit", "--private-network",
             # a private network gets a /sys without module/, which the
             # EAL stats to see whether VFIO is there: lend the host's
             "--bind-ro=/sys/module",
             "--console=pipe", "-M", "cgnat-pkgtest-%d" % os.getpid()],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            start_new_session=True)
        deadline = time.time() + timeout
        state = ""
        while time.time() < deadline and self.proc.poll() is None:
            self.leader = self._leader()
            if self.leader is not None:
                r = self.sh("systemctl is-system-running")
                state = r.stdout.strip()
                if state in ("running", "degraded"):
                    return state
            time.sleep(1)
        return state or "no init (nspawn %s)" % (
            "exited %s" % self.proc.returncode
            if self.proc.poll() is not None else "still starting")

    def _leader(self):
        """nspawn's child is the container's PID 1."""
        try:
            with open("/proc/%d/task/%d/children" %
                      (self.proc.pid, self.proc.pid)) as f:
                kids = f.read().split()
        except OSError:
            return None
        for k in kids:
            try:
                with open("/proc/%s/comm" % k) as f:
                    if f.read().strip() == "systemd":
                        return int(k)
            except OSError:
                pass
        return None

    def sh(self, cmd, timeout=60):
        return run(["nsenter", "-t", str(self.leader), "-a",
                    "/bin/sh", "-c", cmd], timeout=timeout)

    def show(self, prop):
        return self.sh("systemctl show -p %s --value cgnat" %
                       prop).stdout.strip()

    def shutdown(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        if self.leader is not None:
            self.sh("systemctl poweroff --no-block")
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def wait_for(fn, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.5)
    return fn()


def running(c):
    """Past EAL start and port set-up: the line cgnat prints then."""
    return "cgnat running:" in c.sh(
        "journalctl -u cgnat -o cat --no-pager -n 30 "
        "_SYSTEMD_INVOCATION_ID=$(systemctl show -p InvocationID --value "
        "cgnat)").stdout


def service_tests(c, rootdir):
    for v in glob.glob(rootdir + "/var/lib/cgnat/versions/*"):
        os.unlink(v)    # a kept root's, from an earlier run
    for f in ("sample.yaml", "sample.pcap"):
        shutil.copy(os.path.join(ROOT, "conf", f), rootdir + "/root/")
    write_conf(rootdir, RUN_CONF % {"sessions": 4096})
    t0 = time.time()
    r = c.sh("systemctl start cgnat")
    check("systemctl start cgnat", r.returncode == 0, r.stdout +
          c.sh("journalctl -u cgnat --no-pager | tail -30").stdout)
    active = wait_for(lambda: c.show("ActiveState") == "active" and
                      running(c))
    pid = c.show("MainPID")
    check("cgnat.service active, main PID %s" % pid, active and pid != "0")
    sock = wait_for(lambda: c.sh("test -S /run/dpdk/rte/dpdk_telemetry.v2")
                    .returncode == 0)
    check("telemetry socket in /run/dpdk under ProtectSystem=strict", sock)
    print("    started in %.1f s" % (time.time() - t0))
    with open(rootdir + "/tmp-telemetry.py", "w") as f:
        f.write(TELEMETRY_PY)
    r = c.sh("python3 /tmp-telemetry.py /cgnat/interfaces")
    check("the service answers /cgnat/interfaces with both ports",
          r.returncode == 0 and "access" in r.stdout and
          "transit" in r.stdout, r.stdout)
    j = c.sh("journalctl -u cgnat --no-pager -o cat").stdout
    check("ExecStartPre ran cgnat --check (journal: configuration OK)",
          "%s: configuration OK" % CONF in j, j[-2000:])
    r = c.sh("systemd-analyze security --no-pager cgnat | tail -1")
    print("    systemd-analyze security: " + r.stdout.strip())

    r = c.sh("cgnatctl show version")
    check("cgnatctl show version: version 1 from %s" % CONF,
          r.returncode == 0 and re.search(r"version:\s+1\b", r.stdout) and
          CONF in r.stdout, r.stdout)
    check("version 1 kept in /var/lib/cgnat/versions (StateDirectory)",
          os.path.isfile(rootdir + "/var/lib/cgnat/versions/000001.yaml"))
    r = c.sh("pcap-replay -c /root/sample.yaml -r /root/sample.pcap "
             "-w /root/out.pcap")
    check("installed pcap-replay replays the sample through /usr/sbin/cgnat",
          r.returncode == 0 and
          os.path.getsize(rootdir + "/root/out.pcap") > 24, r.stdout)

    # Reload by SIGHUP: same process, still active.
    write_conf(rootdir, RUN_CONF % {"sessions": 2048})
    r = c.sh("systemctl reload cgnat")
    v2 = wait_for(lambda: re.search(r"version:\s+2\b", c.sh(
        "cgnatctl show version").stdout))
    check("systemctl reload cgnat: version 2, still active, same PID %s"
          % pid, r.returncode == 0 and v2 and
          c.show("ActiveState") == "active" and c.show("MainPID") == pid,
          r.stdout + c.show("ActiveState"))
    j = c.sh("journalctl -u cgnat --no-pager -o cat").stdout
    check("audit line in the journal: reloaded by signal, the key path",
          re.search(r"config reloaded by \S+: version 2 from %s; 1 change:"
                    r" tenants\[residential\]\.limits\.sessions" % re.escape(CONF),
                    j), j[-1500:])
    r = c.sh("cgnatctl config diff 1 2")
    check("cgnatctl config diff 1 2 names the change",
          r.returncode == 1 and "~ tenants[residential].limits.sessions: 4096 -> 2048"
          in r.stdout, r.stdout)
    write_conf(rootdir, "nat: {max_sessions: two}\n")
    c.sh("systemctl reload cgnat")
    refused = wait_for(lambda: "refused, still version 2" in c.sh(
        "journalctl -u cgnat --no-pager -o cat -n 20").stdout)
    check("reload of an invalid file: refused, the service runs on",
          refused and c.show("ActiveState") == "active" and
          c.show("MainPID") == pid)
    write_conf(rootdir, RUN_CONF % {"sessions": 1024})
    r = c.sh("cgnatctl reload")
    check("cgnatctl reload: applied version 3, same PID",
          r.returncode == 0 and "applied version 3" in r.stdout and
          c.show("MainPID") == pid, r.stdout)

    # A bad file stops a (re)start at ExecStartPre, with the file's errors.
    write_conf(rootdir, "nat: {max_sessions: two}\n")
    r = c.sh("systemctl restart cgnat")
    j = c.sh("journalctl -u cgnat --no-pager -o cat | tail -20").stdout
    check("restart with a bad file fails at ExecStartPre, errors in the "
          "journal", r.returncode != 0 and
          c.show("ActiveState") in ("failed", "activating") and
          "nat.max_sessions: expected an integer" in j, r.stdout + j)
    c.sh("systemctl reset-failed cgnat; systemctl stop cgnat")

    # Clean stop.
    write_conf(rootdir, RUN_CONF % {"sessions": 4096})
    c.sh("systemctl start cgnat")
    wait_for(lambda: running(c))
    r = c.sh("systemctl stop cgnat")
    j = c.sh("journalctl -u cgnat --no-pager -o cat | tail -20").stdout
    check("systemctl stop: SIGTERM, clean exit, every mbuf returned",
          r.returncode == 0 and c.show("Result") == "success" and
          c.show("ExecMainStatus") == "0" and
          "mbufs in use at exit: 0 of" in j, j)


# ---- without systemd: the unit's lines, run by hand ----

def unit_by_hand(rootdir):
    with open(rootdir + UNIT) as f:
        unit = f.read()
    pre, = unit_lines(unit, "ExecStartPre")
    start, = unit_lines(unit, "ExecStart")
    reload_cmd, = unit_lines(unit, "ExecReload")
    write_conf(rootdir, RUN_CONF % {"sessions": 4096})
    r = run(["chroot", rootdir] + pre.split())
    check("ExecStartPre by hand: %s" % pre,
          r.returncode == 0 and "configuration OK" in r.stdout, r.stdout)
    log = open(os.path.join(os.path.dirname(rootdir), "cgnat.log"), "w")
    # unshare: mounts of its own (gone when it ends), the host's /proc,
    # /sys and /dev that the EAL reads, and a /run of its own, so the
    # EAL's /run/dpdk/rte is not shared with other DPDK programs here.
    setup = ("mount -t proc proc {r}/proc && mount --rbind /sys {r}/sys && "
             "mount --rbind /dev {r}/dev && mount -t tmpfs tmpfs {r}/run && "
             "mkdir -p {r}/run/dpdk && exec chroot {r} {start}").format(
                 r=rootdir, start=start)
    p = subprocess.Popen(["unshare", "--mount", "--propagation", "private",
                          "--", "sh", "-c", setup],
                         stdout=log, stderr=log, start_new_session=True)
    time.sleep(5)
    check("ExecStart by hand: %s keeps running" % start, p.poll() is None)
    # the chroot exec keeps the PID, so it is $MAINPID
    run(reload_cmd.replace("$MAINPID", str(p.pid)).split())
    time.sleep(2)
    check("ExecReload by hand: %s, process survives" % reload_cmd,
          p.poll() is None)
    if p.poll() is None:
        os.kill(p.pid, signal.SIGTERM)
    try:
        rc = p.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        rc = p.wait()
    log.close()
    with open(log.name) as f:
        out = f.read()
    check("SIGTERM: clean exit, every mbuf returned",
          rc == 0 and "mbufs in use at exit: 0 of" in out,
          "exit %s\n%s" % (rc, out[-1500:]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--deb-dir", default=os.path.join(ROOT, "build-deb"))
    ap.add_argument("--keep", action="store_true",
                    help="keep the throwaway root (printed at the end)")
    ap.add_argument("--no-boot", action="store_true",
                    help="do not boot systemd: run the unit's lines by hand")
    ap.add_argument("--root", help="use this root (a kept one) instead of "
                    "making one: for working on the test itself")
    a = ap.parse_args()
    t0 = time.time()
    debs = sorted(glob.glob(os.path.join(a.deb_dir, "cgnat_*.deb")))
    if not debs:
        sys.exit("test_package: no cgnat_*.deb in %s: run `make deb`" %
                 a.deb_dir)
    deb = debs[-1]
    print("package: " + deb)
    if os.getuid() != 0:
        sys.exit("test_package: needs root (mmdebstrap, chroot, nspawn)")

    check_deb(deb)
    if a.root:
        rootdir = os.path.abspath(a.root)
        work = os.path.dirname(rootdir)
        a.keep = True
    else:
        work = tempfile.mkdtemp(prefix="cgnat-pkgtest-", dir=a.deb_dir)
        rootdir = os.path.join(work, "root")
    c = None
    shipped = None
    try:
        if not a.root and not make_root(deb, rootdir):
            check("mmdebstrap a Debian 12 root with the package", False,
                  "cannot build the root (no Debian mirror reachable?)")
            return 1
        check_man_pages(rootdir)
        check_installed(rootdir)
        with open(rootdir + CONF) as f:
            shipped = f.read()
        if a.no_boot:
            state = "--no-boot given"
        elif shutil.which("systemd-nspawn") is None:
            state = "no systemd-nspawn (package systemd-container)"
        else:
            c = Container(rootdir)
            state = c.boot()
        if state in ("running", "degraded"):
            note("systemd 252 boots as PID 1 in a systemd-nspawn "
                 "container here (system state: %s)" % state)
            failed = c.sh("systemctl --failed --plain --no-legend "
                          "| cut -d' ' -f1").stdout.split()
            if failed:
                note("failed in the container: %s (dpdk.service cannot "
                     "set vm.max_map_count: /proc/sys is read-only in a "
                     "container; cgnat only Wants it)" % " ".join(failed))
            service_tests(c, rootdir)
        else:
            note("systemd could not boot here (%s): the unit's commands "
                 "are run by hand in the root instead" % state)
            unit_by_hand(rootdir)
    finally:
        if c is not None:
            c.shutdown()
        if shipped is not None:    # for a kept root: as installed
            write_conf(rootdir, shipped)
        if a.keep:
            print("kept: " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("package test: %.0f s" % (time.time() - t0))
    print("%d passed, %d failed, %d skipped" % (
        results["passed"], results["failed"], results["skipped"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
