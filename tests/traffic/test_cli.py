# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""The command line: --check like nginx -t, errors naming file:line:col,
and EAL arguments after the config's."""

import os
import re
import subprocess
import tempfile

from cgnlib import CGNAT, ROOT, config


def check(text):
    d = tempfile.mkdtemp(prefix="cgn-cli-")
    path = os.path.join(d, "c.yaml")
    with open(path, "w") as f:
        f.write(text)
    p = subprocess.run([CGNAT, "-c", path, "--check"], capture_output=True,
                       text=True, timeout=30)
    return p, path


def test_shipped_configs_validate():
    for name in ("sample.yaml", "lab.yaml", "production-example.yaml"):
        p = subprocess.run([CGNAT, "-c", os.path.join(ROOT, "conf", name),
                            "--check"], capture_output=True, text=True)
        assert p.returncode == 0, name + ": " + p.stderr
        assert "configuration OK" in p.stdout


def test_check_reports_file_line_col_and_key():
    p, path = check(config().replace("block_size: 256", "block_size: lots"))
    assert p.returncode == 1
    lines = p.stderr.strip().splitlines()
    assert lines, p.stderr
    m = re.match(r"^(.+):(\d+):(\d+): (\S+): (.+)$", lines[0])
    assert m, lines[0]
    assert m.group(1) == path
    assert m.group(4) == "pools[0].block_size"
    # The line really is where block_size is written.
    with open(path) as f:
        assert "block_size" in f.read().splitlines()[int(m.group(2)) - 1]


def test_check_reports_every_error_not_just_the_first():
    text = config().replace("pool: public", "pool: nosuch").replace(
        "name: sub", "name: sub\n    colour: blue")
    p, _ = check(text)
    assert p.returncode == 1
    assert "tenants[0].pool" in p.stderr
    assert "interfaces[0].colour" in p.stderr


def test_missing_file_and_garbage():
    p = subprocess.run([CGNAT, "-c", "/nonexistent.yaml", "--check"],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "/nonexistent.yaml" in p.stderr
    p, _ = check("")
    assert p.returncode == 1 and "empty" in p.stderr
    p, _ = check("\x00\x01\x02{{{")
    assert p.returncode == 1 and p.stderr.strip()


def test_usage_errors():
    p = subprocess.run([CGNAT], capture_output=True, text=True)
    assert p.returncode == 1 and "usage" in p.stderr
    p = subprocess.run([CGNAT, "-c", "x", "--bogus"], capture_output=True,
                       text=True)
    assert p.returncode == 1


def test_command_line_eal_args_win():
    """`cgnat [EAL args] -- -c FILE`: an lcore list that does not exist on
    the command line must reach EAL and make it fail, whatever the config
    says."""
    d = tempfile.mkdtemp(prefix="cgn-cli-")
    path = os.path.join(d, "c.yaml")
    with open(path, "w") as f:
        f.write(config())
    p = subprocess.run([CGNAT, "--lcores=0@0,1@999", "--", "-c", path],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert "EAL" in p.stderr
