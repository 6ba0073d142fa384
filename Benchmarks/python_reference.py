#!/usr/bin/env python3
"""The script a brand would otherwise write: mappings/inventory-csv.yml by hand in Python 3.

Reads the stock export with csv.DictReader, applies the same rules (skip discontinued rows,
EAN pattern, warehouse lookup, available = on hand - reserved with German number format,
incoming date dd.MM.yyyy -> yyyy-MM-dd), builds dicts and json.dumps a bulk-inventory request
body per 500 items, discarding it (as the benchmark's Swift side does).

Usage: python3 Benchmarks/python_reference.py stock.csv
Prints: rows read, items converted, rows rejected, bytes of JSON produced.
"""
import csv
import json
import re
import sys
from datetime import datetime

WAREHOUSES = {"HH": "Hamburg Süd", "MUC": "München"}
UPC = re.compile(r"^[0-9]{8,14}$")
BATCH = 500


def number(text):
    return float(text.replace(".", "").replace(",", ".")) if text else 0.0


def main(path):
    rows = converted = rejected = output = 0
    items = []
    with open(path, newline="", encoding="cp1252") as source:
        for row in csv.DictReader(source, delimiter=";"):
            rows += 1
            if row["Status"] == "D":
                continue
            upc = row["EAN"]
            warehouse = WAREHOUSES.get(row["Lager"])
            if not UPC.match(upc) or warehouse is None:
                rejected += 1
                continue
            try:
                available = number(row["Bestand"]) - number(row["Reserviert"])
            except ValueError:
                rejected += 1
                continue
            if available < 0 or available != int(available):
                rejected += 1
                continue
            item = {"upc": upc, "warehouse": warehouse, "inventory": int(available)}
            if row["Zulauf"]:
                try:
                    item["inventory_date"] = datetime.strptime(row["Zulauf"], "%d.%m.%Y").strftime("%Y-%m-%d")
                except ValueError:
                    rejected += 1
                    continue
            items.append(item)
            converted += 1
            if len(items) == BATCH:
                output += len(json.dumps({"inventory_items": items}, ensure_ascii=False).encode("utf-8"))
                items = []
    if items:
        output += len(json.dumps({"inventory_items": items}, ensure_ascii=False).encode("utf-8"))
    print(json.dumps({"rows": rows, "converted": converted, "rejected": rejected, "outputBytes": output, "peakKiB": peak_kib()}))


def peak_kib():
    """VmHWM: this process's own peak RSS (as the Swift side measures it)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


if __name__ == "__main__":
    main(sys.argv[1])
