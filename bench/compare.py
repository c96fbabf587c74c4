#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Compare a cgnat-bench JSON run against a saved baseline.

    bench/compare.py BASELINE.json RUN.json [--noise PCT]

A figure regresses when it is worse than the baseline by more than the
noise: the larger of --noise (default 10 %) and the spread either run
showed across its own repetitions (max - min over the median). Which way
is worse comes from the unit: cycles and bytes want less, rates want more.
Exit status 1 when something regressed, 0 otherwise; figures only one run
has are listed, not judged.
"""

import argparse
import json
import sys

LOWER_IS_BETTER = ("cyc/pkt", "cyc/msg", "B", "MiB", "ns")


def load(path):
    with open(path) as f:
        doc = json.load(f)
    rows = {}
    for r in doc.get("rows", []):
        # rows marked "(excluded)" are the bench's bookkeeping, not figures
        if r.get("median") is None or "(excluded)" in r["figure"]:
            continue
        rows[(r["section"], r["figure"])] = r
    return doc, rows


def spread(r):
    med = r["median"]
    if not med or r.get("min") is None or r.get("max") is None:
        return 0.0
    return abs(r["max"] - r["min"]) / abs(med)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("baseline")
    ap.add_argument("run")
    ap.add_argument("--noise", type=float, default=10.0,
                    help="percent a figure may move before it counts")
    a = ap.parse_args()
    bdoc, base = load(a.baseline)
    rdoc, run = load(a.run)
    print("baseline: %s, %s" % (bdoc["machine"].get("date"),
                                bdoc["machine"].get("build")))
    print("run:      %s, %s" % (rdoc["machine"].get("date"),
                                rdoc["machine"].get("build")))
    worse = better = 0
    fmt = "%-12s %-55s %12s %12s %8s  %s"
    print(fmt % ("section", "figure", "baseline", "run", "change", "verdict"))
    for key in sorted(set(base) | set(run)):
        b, r = base.get(key), run.get(key)
        if b is None or r is None:
            print(fmt % (key[0], key[1][:55], "-" if b is None else
                         "%.4g" % b["median"], "-" if r is None else
                         "%.4g" % r["median"], "", "only in one run"))
            continue
        if not b["median"]:
            continue
        change = (r["median"] - b["median"]) / abs(b["median"])
        noise = max(a.noise / 100.0, spread(b), spread(r))
        lower = r["unit"] in LOWER_IS_BETTER
        bad = change > noise if lower else change < -noise
        good = change < -noise if lower else change > noise
        verdict = "REGRESSION" if bad else "better" if good else ""
        worse += bad
        better += good
        print(fmt % (key[0], key[1][:55], "%.4g" % b["median"],
                     "%.4g" % r["median"], "%+.0f%%" % (100 * change),
                     verdict))
    print("%d regressed, %d improved beyond the noise" % (worse, better))
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
