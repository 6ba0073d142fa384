#!/usr/bin/env bash
# Prints the commit joorbridge is built from, for JOORBRIDGE_COMMIT (see Package.swift):
# git's short hash, "-dirty" added when tracked files differ from it; "unknown commit" outside git
# (Package.swift ignores that value, so the binary says "unknown commit" too).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! commit=$(git rev-parse --short HEAD 2>/dev/null); then
    echo "unknown commit"
    exit 0
fi
if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
    commit="$commit-dirty"
fi
echo "$commit"
