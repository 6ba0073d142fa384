#!/usr/bin/env bash
# Regenerates the expected outputs under samples/ from the shipped mappings, through
# `joorbridge preview` with a fixed clock. Review the diff before committing: the golden
# tests (Tests/MappingTests/SampleGoldenTests.swift) compare against these files.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -q
bin=.build/debug/joorbridge
now=2025-06-05T08:00:00Z

for name in inventory-csv inventory-xml inventory-size-grid-csv products-csv; do
    input=$(ls samples/$name/input.*)
    "$bin" preview --pretty --mapping mappings/$name.yml --input "$input" --rejects samples/$name/expected-rejects.csv \
        > samples/$name/expected-requests.json 2>/dev/null || [ $? -eq 3 ]
done

for name in orders-csv-lines orders-csv-size-grid orders-csv-header-detail orders-xml customers-csv; do
    out=samples/orders/expected/$name
    rm -rf "$out" && mkdir -p "$out"
    "$bin" preview --mapping mappings/$name.yml --input samples/orders/joor-orders.json --now $now \
        --output-dir "$out" --rejects "$out/rejects.csv" 2>/dev/null || [ $? -eq 3 ]
done
echo "samples updated; review with: git diff samples/"
