#!/usr/bin/env python3
"""Independent exact totals of a FOCUS file per (SubAccountId, ServiceName), with Python's decimal module.

Usage: scripts/focus_totals.py fixtures/focus/aws-focus-1.2-sample.csv > fixtures/expected/focus-sample-totals.csv

The importer's totals are checked against this output group by group (crates/billops-import/tests/focus.rs).
Costs that are empty count as absent for effective/list (the importer then uses BilledCost), as the import rules say.
"""
import csv
import decimal
import sys
from collections import defaultdict

ctx = decimal.getcontext()
ctx.prec = 80
ctx.traps[decimal.Inexact] = True
ctx.traps[decimal.Rounded] = True


def main(path):
    billed = defaultdict(decimal.Decimal)
    effective = defaultdict(decimal.Decimal)
    listed = defaultdict(decimal.Decimal)
    rows = defaultdict(int)
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            key = (row["SubAccountId"], row["ServiceName"])
            b = decimal.Decimal(row["BilledCost"])
            billed[key] += b
            effective[key] += decimal.Decimal(row["EffectiveCost"]) if row["EffectiveCost"].strip() else b
            listed[key] += decimal.Decimal(row["ListCost"]) if row["ListCost"].strip() else b
            rows[key] += 1
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["account", "service", "rows", "billed", "effective", "list"])
    for key in sorted(billed):
        out.writerow([key[0], key[1], rows[key], billed[key], effective[key], listed[key]])
    total = sum(billed.values(), decimal.Decimal(0))
    out.writerow(["*", "*", sum(rows.values()), total, sum(effective.values(), decimal.Decimal(0)),
                  sum(listed.values(), decimal.Decimal(0))])


if __name__ == "__main__":
    main(sys.argv[1])
