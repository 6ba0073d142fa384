#!/usr/bin/env bash
# Regenerates the expected outputs under samples/ from the shipped mappings, through
# `joorbridge preview` with a fixed clock. Review the diff before committing: the golden
# tests (Tests/MappingTests/SampleGoldenTests.swift, Tests/JoorBridgeTests/InboundSampleGoldenTests.swift)
# compare against these files.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -q
bin=.build/debug/joorbridge
now=2025-06-05T08:00:00Z

for mapping in mappings/*.yml; do
    name=$(basename "$mapping" .yml)
    case "$(sed -n 's/^kind: *//p' "$mapping")" in
    inventory | products)
        input=$(ls samples/$name/input.*)
        "$bin" preview --pretty --mapping "$mapping" --input "$input" --rejects samples/$name/expected-rejects.csv \
            > samples/$name/expected-requests.json 2>/dev/null || [ $? -eq 3 ]
        ;;
    orders | customers)
        out=samples/orders/expected/$name
        rm -rf "$out" && mkdir -p "$out"
        "$bin" preview --mapping "$mapping" --input samples/orders/joor-orders.json --now $now \
            --output-dir "$out" --rejects "$out/rejects.csv" 2>/dev/null || [ $? -eq 3 ]
        ;;
    esac
done
echo "samples updated; review with: git diff samples/"
