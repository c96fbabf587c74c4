# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Real FTP and TFTP clients and servers through the NAT: cgnat, and Linux's
own NAT (nftables with the ftp and tftp conntrack helpers) as the reference
peer, in the same lab. Files must arrive byte-identical. The summary at the
end of the run shows both side by side (conftest.py)."""

import hashlib
import os
import tempfile
import time

import pytest

from labutil import Lab, ns, telemetry, wait_port, FTP_MODES, INET, SUB, \
    STRICT_FILTERING


# cgnat2w: two workers, so that the subscriber's shard may belong to the
# worker that does not receive its packets: the control session's packets,
# the pinholes (NAT expectations) and the data connections' first packets
# are then all handed to the owner.
@pytest.fixture(scope="module", params=["cgnat", "cgnat2w", "linux"])
def alab(request):
    # Strict filtering: TFTP's reply from a new server port gets in only
    # through the pinhole the ALG opened.
    lab = Lab(mode="linux" if request.param == "linux" else "cgnat",
              workers=2 if request.param == "cgnat2w" else 1,
              nat_extra=STRICT_FILTERING)
    try:
        lab.start()
        lab.files = tempfile.mkdtemp(prefix="cgn-srv-")
        os.chmod(lab.files, 0o777)
        lab.blob = os.urandom(2 * 1024 * 1024 + 333)
        with open(os.path.join(lab.files, "blob.bin"), "wb") as f:
            f.write(lab.blob)
        os.chmod(os.path.join(lab.files, "blob.bin"), 0o666)
        lab.background(INET, "/usr/bin/python3", "-m", "pyftpdlib",
                       "-i", "192.0.2.80", "-p", "21", "-d", lab.files, "-w")
        lab.background(INET, "/usr/sbin/in.tftpd", "-L", "-c", "-s",
                       lab.files, "-a", "192.0.2.80:69", "-u", "root")
        wait_port(INET, "192.0.2.80", 21)
        time.sleep(0.3)
        yield lab
    finally:
        lab.teardown()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def curl_ftp(lab, *args):
    return ns(SUB, "curl", "-sS", "--max-time", "60", *args,
              capture_output=True, text=True)


@pytest.mark.parametrize("mode", sorted(FTP_MODES))
def test_ftp_download(alab, mode):
    out = os.path.join(alab.tmp, "dl-" + mode)
    r = curl_ftp(alab, *FTP_MODES[mode], "-o", out,
                 "ftp://192.0.2.80/blob.bin")
    assert r.returncode == 0, r.stderr
    with open(out, "rb") as f:
        assert sha(f.read()) == sha(alab.blob)


@pytest.mark.parametrize("mode", sorted(FTP_MODES))
def test_ftp_upload(alab, mode):
    src = os.path.join(alab.tmp, "up-" + mode)
    data = os.urandom(512 * 1024 + 7)
    with open(src, "wb") as f:
        f.write(data)
    r = curl_ftp(alab, *FTP_MODES[mode], "-T", src,
                 "ftp://192.0.2.80/up-%s-%s" % (alab.mode, mode))
    assert r.returncode == 0, r.stderr
    with open(os.path.join(alab.files, "up-%s-%s" % (alab.mode, mode)),
              "rb") as f:
        assert sha(f.read()) == sha(data)


def test_tftp_get(alab):
    out = os.path.join(alab.tmp, "tftp-get")
    r = ns(SUB, "timeout", "60", "tftp", "-m", "binary", "192.0.2.80",
           "-c", "get", "blob.bin", out, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    with open(out, "rb") as f:
        assert sha(f.read()) == sha(alab.blob)


def test_tftp_put(alab):
    name = "tftp-put-%s" % alab.mode
    src = os.path.join(alab.tmp, name)
    data = os.urandom(300 * 1024 + 5)
    with open(src, "wb") as f:
        f.write(data)
    r = ns(SUB, "timeout", "60", "tftp", "-m", "binary", "192.0.2.80",
           "-c", "put", src, name, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    with open(os.path.join(alab.files, name), "rb") as f:
        assert sha(f.read()) == sha(data)


def test_alg_counters_show_the_work(alab):
    """cgnat only: the transfers above went through pinholes the ALGs
    opened (counted per tenant and ALG in telemetry)."""
    if alab.mode != "cgnat":
        pytest.skip("telemetry is cgnat's")
    alg = telemetry("/cgnat/alg,residential")
    # Four active transfers (two EPRT, two PORT) rewritten and used.
    assert alg["residential/ftp"]["rewritten"] >= 4, alg
    assert alg["residential/ftp"]["pinholes_used"] >= 4, alg
    # Two TFTP transfers, each let in by a pinhole.
    assert alg["residential/tftp"]["pinholes_used"] >= 2, alg
    if alab.workers == 2:
        # 100.64.0.10 belongs to shard 1, and the one-queue veth gives
        # worker 0 everything: the ALG and the pinholes ran on the owner.
        w = telemetry("/cgnat/workers")
        assert w["worker0"]["handoffs"] > 0, w
        assert w["worker1"]["sessions_created"] > 0, w
