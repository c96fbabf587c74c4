# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""SIP in the e2e lab (test_sip.py): baresip user agents, kamailio and SIPp
in the lab's namespaces, and captures on each host's interface read back
with tshark to count what really crossed the wire."""

import math
import os
import re
import signal
import struct
import subprocess
import time
import wave

from labutil import HERE, INET, SUB, ns, serve_from, wait_port

SUB_IP = "100.64.0.10"
INET_IP = "192.0.2.80"
SUB_IF = "veth-sub-h"
INET_IF = "veth-inet-h"
# How long the caller stays in a call: about 50 RTP packets a second each way.
CALL_SECONDS = 5
KAMAILIO_CFG = os.path.join(HERE, "kamailio.cfg")

# The subscriber's tenant policy, beside the lab's ftp and tftp entries.
SIP_ON = "    sip: {enabled: true}\n"
SIP_OFF = "    sip: {enabled: false}\n"

# What each test measured, for the summary at the end of the run
# (conftest.py): dicts with case, nat and the figures.
FIGURES = []

# PCMU only, so every RTP packet is payload type 0 and 20 ms long. The
# source is a WAV file (aufile): Debian's baresip 1.0 ausine speaks only
# 48 kHz. No sound card, so the player is an unread aubridge device.
BARESIP_CONFIG = """poll_method epoll
sip_listen {listen}
audio_player aubridge,play-{name}
audio_alert aubridge,alert-{name}
audio_source aufile,{tone}
rtp_ports {rtp_ports}
rtcp_mux no
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module aubridge.so
module_app account.so
module_app menu.so
"""


def prepare(lab):
    """What the SIP tests need beyond the lab: a tone to send, and the
    internet host's replies from 192.0.2.80 (baresip binds its RTP socket
    to the wildcard address)."""
    serve_from(INET_IP)
    lab.tone = os.path.join(lab.tmp, "tone.wav")
    w = wave.open(lab.tone, "wb")
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(8000)
    w.writeframes(b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
        for i in range(8000 * 30)))
    w.close()


def end_processes(lab, since=0, sweep=False):
    """SIGTERM what the lab started in the background from lab.bg[since]
    on (kamailio's main process then ends its children), SIGKILL what did
    not end; with sweep, SIGKILL whatever is still left in the subscriber
    and internet namespaces too: no user agent outlives the lab."""
    procs = lab.bg[since:]
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if not sweep:
        return
    for nsname in (SUB, INET):
        r = subprocess.run(["ip", "netns", "pids", nsname],
                           capture_output=True, text=True)
        for pid in r.stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass


def wait_text(path, text, timeout, proc=None):
    """Wait until the file at path contains text; its content, or an
    AssertionError naming what was there."""
    deadline = time.time() + timeout
    while True:
        with open(path, errors="replace") as f:
            out = f.read()
        if text in out:
            return out
        if time.time() > deadline or (proc is not None and
                                      proc.poll() is not None):
            raise AssertionError("%r not in %s:\n%s" % (text, path, out[-3000:]))
        time.sleep(0.1)


class Capture:
    """dumpcap on one interface of a namespace, until stop()."""

    def __init__(self, lab, nsname, iface, name):
        self.path = os.path.join(lab.tmp, name + ".pcap")
        log = name + ".dumpcap.log"
        self.proc = lab.background(nsname, "dumpcap", "-q", "-i", iface,
                                   "-f", "udp or tcp", "-w", self.path,
                                   log=log)
        wait_text(os.path.join(lab.tmp, log), "File:", 10, self.proc)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(timeout=10)
        return self.path


def tshark_fields(pcap, display_filter, *fields):
    r = subprocess.run(["tshark", "-r", pcap, "-o", "rtp.heuristic_rtp:TRUE",
                        "-Y", display_filter, "-T", "fields"] +
                       [a for f in fields for a in ("-e", f)],
                       capture_output=True, text=True, check=True)
    return [line.split("\t") for line in r.stdout.splitlines()]


def rtp_counts(pcap, host):
    """PCMU RTP packets (sent by host, received by host) in the capture."""
    rows = tshark_fields(pcap, "rtp.p_type == 0", "ip.src", "ip.dst")
    return (sum(1 for s, _ in rows if s == host),
            sum(1 for _, d in rows if d == host))


def sdp_addresses(pcap, dst):
    """Every address the SDP bodies arriving at dst name (o= and c=)."""
    rows = tshark_fields(pcap, "sdp && ip.dst == %s" % dst,
                         "sdp.owner.address", "sdp.connection_info.address")
    return [a for row in rows for col in row for a in col.split(",") if a]


class Baresip:
    """One baresip user agent: its configuration directory, process and
    log in the lab's temporary directory."""

    def __init__(self, lab, name, nsname, listen, account,
                 rtp_ports="20000-20099"):
        self.lab = lab
        self.name = name
        self.nsname = nsname
        self.dir = os.path.join(lab.tmp, "baresip-" + name)
        os.makedirs(self.dir, exist_ok=True)
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write(BARESIP_CONFIG.format(listen=listen, name=name,
                                          tone=lab.tone, rtp_ports=rtp_ports))
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write(account + "\n")
        self.log = os.path.join(lab.tmp, name + ".log")
        self.proc = None

    def start(self, *args):
        self.proc = self.lab.background(self.nsname, "baresip", "-f",
                                        self.dir, *args,
                                        log=os.path.basename(self.log))
        wait_text(self.log, "baresip is ready", 10, self.proc)
        return self

    def wait_for(self, text, timeout=10):
        return wait_text(self.log, text, timeout, self.proc)

    def output(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def finish(self, timeout):
        """Wait for a baresip started with -t to quit by itself."""
        self.proc.wait(timeout=timeout)
        return self.output()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        return self.output()


class Media:
    """RTP counted at both ends of a call: the subscriber's and the
    internet host's interface."""

    def __init__(self, lab, tag):
        self.sub = Capture(lab, SUB, SUB_IF, tag + "-sub")
        self.inet = Capture(lab, INET, INET_IF, tag + "-inet")

    def stop(self):
        sub_sent, sub_received = rtp_counts(self.sub.stop(), SUB_IP)
        inet_sent, inet_received = rtp_counts(self.inet.stop(), INET_IP)
        return {"sub_sent": sub_sent, "sub_received": sub_received,
                "inet_sent": inet_sent, "inet_received": inet_received}


def direct_call(lab, transport):
    """The subscriber's baresip calls one on the internet host, which
    answers by itself; the caller hangs up after CALL_SECONDS. The RTP
    counts at both ends, and both user agents' logs."""
    callee = Baresip(lab, "callee-" + transport, INET, INET_IP + ":5060",
                     "<sip:bob@%s>;regint=0;answermode=auto;"
                     "audio_codecs=PCMU" % INET_IP).start()
    media = Media(lab, "call-" + transport)
    uri = "sip:bob@%s" % INET_IP
    if transport == "tcp":
        uri += ";transport=tcp"
    caller = Baresip(lab, "caller-" + transport, SUB, SUB_IP + ":5060",
                     "<sip:alice@%s>;regint=0;audio_codecs=PCMU" % SUB_IP)
    caller.start("-e", "/dial " + uri, "-t", str(CALL_SECONDS + 1))
    out = caller.finish(CALL_SECONDS + 15)
    time.sleep(0.5)
    counts = media.stop()
    counts["caller_log"] = out
    counts["callee_log"] = callee.stop()
    return counts


def registered_call(lab):
    """kamailio on the internet host; the subscriber's baresip registers
    with it through the NAT; a second baresip there calls the subscriber's
    AOR through kamailio and hangs up after CALL_SECONDS; the subscriber
    answers by itself. The RTP counts, the logs, and whether the
    registration succeeded."""
    rundir = os.path.join(lab.tmp, "kamailio")
    os.makedirs(rundir, exist_ok=True)
    kam = lab.background(INET, "kamailio", "-DD", "-E", "-f", KAMAILIO_CFG,
                         "-Y", rundir, "-P", os.path.join(rundir, "pid"),
                         log="kamailio.log")
    wait_port(INET, INET_IP, 5060)
    sub = Baresip(lab, "registered", SUB, SUB_IP + ":5060",
                  "<sip:alice@%s>;regint=60;answermode=auto;"
                  "audio_codecs=PCMU" % INET_IP).start()
    result = {"registered": True}
    try:
        sub.wait_for("200 OK", 10)
    except AssertionError:
        result["registered"] = False
    media = Media(lab, "registered")
    caller = Baresip(lab, "inet-caller", INET, INET_IP + ":5062",
                     "<sip:bob@%s:5062>;regint=0;audio_codecs=PCMU" % INET_IP,
                     rtp_ports="20100-20199")
    caller.start("-e", "/dial sip:alice@%s" % INET_IP,
                 "-t", str(CALL_SECONDS + 1))
    result["caller_log"] = caller.finish(CALL_SECONDS + 15)
    time.sleep(0.5)
    result.update(media.stop())
    result["callee_log"] = sub.stop()
    kam.terminate()
    kam.wait(timeout=10)
    with open(os.path.join(lab.tmp, "kamailio.log"), errors="replace") as f:
        result["kamailio_log"] = f.read()
    return result


def sipp_calls(lab, calls):
    """SIPp's built-in uac on the subscriber (its SDP names [local_ip],
    the private address) against its built-in uas on the internet host:
    calls calls, 10 a second. Successful and failed calls as SIPp counts
    them, and every address the SDP reaching the uas named."""
    uas = lab.background(INET, "sipp", "-sn", "uas", "-i", INET_IP,
                         "-p", "5060", "-nostdin", log="sipp-uas.log")
    time.sleep(0.5)
    cap = Capture(lab, INET, INET_IF, "sipp-inet")
    r = ns(SUB, "sipp", "-sn", "uac", "%s:5060" % INET_IP, "-i", SUB_IP,
           "-p", "5060", "-m", str(calls), "-r", "10", "-d", "200",
           "-nostdin", "-timeout", "30s", capture_output=True, text=True,
           timeout=60)
    time.sleep(0.3)
    pcap = cap.stop()
    uas.terminate()
    uas.wait(timeout=10)

    def counter(name):
        m = re.search(r"%s\s*\|\s*\d+\s*\|\s*(\d+)" % name, r.stdout)
        return int(m.group(1)) if m else 0
    return {"successful": counter("Successful call"),
            "failed": counter("Failed call"), "rc": r.returncode,
            "sdp_addresses": sdp_addresses(pcap, INET_IP),
            "output": r.stdout[-3000:] + r.stderr[-1000:]}
