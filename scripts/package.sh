#!/usr/bin/env bash
# Builds joorbridge's packages: dist/joorbridge_VERSION_ARCH.deb and
# dist/joorbridge-VERSION-linux-ARCH.tar.gz, a binary with the Swift runtime linked in (no Swift
# toolchain on the target), the shipped mappings, the JSON Schemas, the systemd units, the man page
# (swift-argument-parser's generate-manual tool) and bash/zsh/fish completions.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'USAGE'
Usage: scripts/package.sh [--configuration release|debug] [--scratch-path DIR] [--output DIR]

Builds dist/joorbridge_VERSION_ARCH.deb and dist/joorbridge-VERSION-linux-ARCH.tar.gz.

How the binary is made. package.sh builds the test suite too, with
  swift build -c release -Xswiftc -enable-testing --scratch-path .build-release --build-tests
(`swift build --product` would compile every module with other commands than a test build, so a
tree that ran the tests compiles nothing again), then runs SwiftPM's link command for joorbridge
again with -static-stdlib and the static libraries Foundation needs (which it asks the compiler
for): the Swift runtime and Foundation go into the binary, the C libraries (libcsv, libxml2,
SQLite, libssh) stay shared. SwiftPM cannot build the test suite with --static-swift-stdlib
(Swift 6.3 ships no static Testing module), and --static-swift-stdlib changes every compile
command (another resource directory), so a static build beside the tests would compile
everything twice. The shipped code can be tested as shipped: swift test -c release
-Xswiftc -enable-testing --scratch-path .build-release --skip-build.

--configuration debug packages the debug build `swift test` made (in .build): CI does that to
check packaging, installation and removal without compiling everything a second time with
optimisation (16 of its minutes on a slow host). Ship release packages only.

The version is JoorBridgeVersion.number; JOORBRIDGE_COMMIT (the build's commit, for --version) is
set from git here, "-dirty" added when tracked files differ from it. SOURCE_DATE_EPOCH, when set,
dates the files in the packages (else the commit's date). CI exports both before its test run so
that this script reuses that build.

Options:
  --configuration C    release (the default) or debug
  --scratch-path DIR   the build folder to reuse (default .build-release; .build for debug)
  --output DIR         where the packages go (default dist)

Needs: the Swift toolchain, dpkg-deb, dpkg-shlibdeps (dpkg-dev), python3, gzip, strip.
Check the result with scripts/check-package.sh (installs the .deb: for CI and test machines).
USAGE
}

configuration=release
scratch=
output=dist
while (($#)); do
    case "$1" in
        --configuration|--scratch-path|--output)
            (($# >= 2)) || { echo "package.sh: $1 needs a value (see --help)" >&2; exit 64; } ;;&
        --configuration) configuration=$2; shift 2 ;;
        --scratch-path) scratch=$2; shift 2 ;;
        --output) output=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "package.sh: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
done
case "$configuration" in
    release) scratch=${scratch:-.build-release}; build_flags=(-c release -Xswiftc -enable-testing) ;;
    debug) scratch=${scratch:-.build}; build_flags=(-c debug) ;;
    *) echo "package.sh: --configuration is release or debug, not '$configuration'" >&2; exit 64 ;;
esac
build_flags+=(--scratch-path "$scratch")

version=$(sed -n 's/^ *static let number = "\(.*\)"$/\1/p' Sources/joorbridge/JoorBridgeVersion.swift)
[[ -n "$version" ]] || { echo "package.sh: no version in Sources/joorbridge/JoorBridgeVersion.swift" >&2; exit 1; }
commit=$(scripts/build-commit.sh)
export JOORBRIDGE_COMMIT=$commit
# Reproducible-builds convention: a SOURCE_DATE_EPOCH already set (CI sets it for its release
# build, so that this build is the same) is used; else the commit's date.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH=$epoch
arch=$(dpkg --print-architecture)
uname_arch=$(uname -m)

echo "== joorbridge $version ($commit), $arch, $configuration build"
[[ "$configuration" == release ]] || echo "   (a $configuration build: for checking the packaging, not for shipping)"
# --build-tests: the same compile commands as the test run, so nothing is compiled again.
swift build "${build_flags[@]}" --build-tests
bin_dir=$(swift build "${build_flags[@]}" --show-bin-path)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== linking the Swift runtime in (-static-stdlib)"
# The objects were compiled against the shared Foundation, whose libraries name their own
# dependencies; the static archives do not, so ask the compiler which libraries an object compiled
# for -static-stdlib that imports Foundation links (its autolink entries).
printf 'import Foundation\nimport FoundationEssentials\nimport FoundationInternationalization\n' >"$work/probe.swift"
swiftc -static-stdlib -O -parse-as-library -module-name probe -c "$work/probe.swift" -o "$work/probe.o"
static_libraries=$("$(dirname "$(command -v swiftc)")/swift-autolink-extract" "$work/probe.o" -o -)
# The link command SwiftPM ran for joorbridge, from its build manifest, with -static-stdlib added.
python3 - "$scratch/$configuration.yaml" "$bin_dir/joorbridge" "$work/joorbridge" $static_libraries <<'PY'
import json, subprocess, sys
manifest, built, target, static_libraries = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
args, outputs = None, None
for line in open(manifest, encoding="utf-8"):
    if line.startswith("  \""):
        outputs = None
    elif line.startswith("    outputs: "):
        outputs = json.loads(line[len("    outputs: "):])
    elif line.startswith("    args: ") and outputs == [built]:
        candidate = json.loads(line[len("    args: "):])
        if "-emit-executable" in candidate:
            args = candidate
            break
if not args:
    sys.exit(f"package.sh: no link command for {built} in {manifest}; build with the flags in --help")
args[args.index(built)] = target
# --as-needed (first, so it covers every library): one that nothing calls (zlib, which a dependency
# names) is not linked, and so not a Depends.
# The static libraries twice: an archive's undefined symbols are only looked up in archives after
# it, and CoreFoundation and _FoundationICU need each other.
subprocess.run(args[:1] + ["-Xlinker", "--as-needed"] + args[1:] + ["-static-stdlib"] + static_libraries * 2, check=True)
PY
strip --strip-debug "$work/joorbridge"
reported=$("$work/joorbridge" --version)
[[ "$reported" == "$version ($commit)" ]] || { echo "package.sh: the binary says '$reported', expected '$version ($commit)'" >&2; exit 1; }

echo "== man page (swift-argument-parser's generate-manual)"
# The tool itself, built in the tree whose ArgumentParser it shares (a few seconds), run on
# the binary. The package plugin of the same name would build its own copy of ArgumentParser for
# the host and build the whole package again first: half a minute of every CI run.
swift build "${build_flags[@]}" --product generate-manual >"$work/generate-manual.log" 2>&1 \
    || { cat "$work/generate-manual.log" >&2; echo "package.sh: could not build generate-manual" >&2; exit 1; }
mkdir "$work/man"
"$bin_dir/generate-manual" "$work/joorbridge" --output-directory "$work/man" \
    --date "$(date -u -d "@$epoch" +%Y-%m-%d)" --authors "joorbridge maintainers" >>"$work/generate-manual.log" 2>&1 \
    || { cat "$work/generate-manual.log" >&2; echo "package.sh: generate-manual failed" >&2; exit 1; }
generated="$work/man/joorbridge.1"
[[ -s "$generated" ]] || { cat "$work/generate-manual.log" >&2; echo "package.sh: generate-manual wrote no joorbridge.1" >&2; exit 1; }
# generate-manual leaves an empty line between paragraphs, which mdoc warns about; .Pp is mdoc's way.
manual="$work/joorbridge.1"
sed 's/^$/.Pp/' "$generated" >"$manual"

# The tree both packages are made from (FHS paths; the tarball flattens them below).
stage="$work/joorbridge_${version}_${arch}"
install -D -m 755 "$work/joorbridge" "$stage/usr/bin/joorbridge"
install -d "$stage/usr/share/joorbridge/mappings" "$stage/usr/share/joorbridge/schema"
install -m 644 mappings/*.yml "$stage/usr/share/joorbridge/mappings/"
"$work/joorbridge" schema config >"$stage/usr/share/joorbridge/schema/config.schema.json"
"$work/joorbridge" schema mapping >"$stage/usr/share/joorbridge/schema/mapping.schema.json"
install -d "$stage/lib/systemd/system"
install -m 644 deploy/joorbridge@.service deploy/joorbridge@.timer deploy/joorbridge-watch@.service "$stage/lib/systemd/system/"
install -D -m 644 deploy/example.yml "$stage/etc/joorbridge/example.yml"
install -d "$stage/usr/share/man/man1"
gzip -9n <"$manual" >"$stage/usr/share/man/man1/joorbridge.1.gz"
install -d "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" "$stage/usr/share/fish/vendor_completions.d"
"$work/joorbridge" --generate-completion-script bash >"$stage/usr/share/bash-completion/completions/joorbridge"
"$work/joorbridge" --generate-completion-script zsh >"$stage/usr/share/zsh/vendor-completions/_joorbridge"
"$work/joorbridge" --generate-completion-script fish >"$stage/usr/share/fish/vendor_completions.d/joorbridge.fish"
doc="$stage/usr/share/doc/joorbridge"
install -d "$doc/examples"
install -m 644 README.md SECURITY.md "$doc/"
install -m 644 mappings/README.md "$doc/mappings.md"
cp -R deploy samples "$doc/examples/"
{
    sed -e "s/@VERSION@/$version/" -e "s/@COMMIT@/$commit/" scripts/package/copyright.in
    for licence in /opt/swift/usr/share/swift/LICENSE.txt "$scratch"/checkouts/*/LICENSE*; do
        [[ -f "$licence" ]] || continue
        name=$([[ "$licence" == /opt/swift/* ]] && echo "the Swift runtime and Foundation" || basename "$(dirname "$licence")")
        printf '\n==== %s (%s)\n\n' "$name" "$(basename "$licence")"
        cat "$licence"
    done
} >"$doc/copyright"
find "$stage" -type d -exec chmod 755 {} +
find "$stage/usr/share" "$stage/etc" "$stage/lib" -type f -exec chmod 644 {} +

# The tarball: the same files under one folder, with the deploy files and samples at the top.
tarname="joorbridge-${version}-linux-${uname_arch}"
tree="$work/$tarname"
install -d "$tree/bin" "$tree/share" "$tree/man" "$tree/completions"
cp "$stage/usr/bin/joorbridge" "$tree/bin/"
cp -R "$stage/usr/share/joorbridge" "$tree/share/"
cp "$manual" "$tree/man/joorbridge.1"
cp "$stage/usr/share/bash-completion/completions/joorbridge" "$tree/completions/joorbridge.bash"
cp "$stage/usr/share/zsh/vendor-completions/_joorbridge" "$tree/completions/_joorbridge"
cp "$stage/usr/share/fish/vendor_completions.d/joorbridge.fish" "$tree/completions/joorbridge.fish"
cp -R deploy samples "$tree/"
cp README.md SECURITY.md "$tree/"
cp "$doc/copyright" "$tree/LICENSES.txt"

# The .deb: control data, maintainer scripts, and Depends from the binary's shared libraries.
install -d "$stage/DEBIAN"
install -m 755 scripts/package/postinst scripts/package/prerm scripts/package/postrm "$stage/DEBIAN/"
echo /etc/joorbridge/example.yml >"$stage/DEBIAN/conffiles"
mkdir -p "$work/shlibs/debian"
printf 'Source: joorbridge\n\nPackage: joorbridge\nArchitecture: any\n' >"$work/shlibs/debian/control"
libraries=$(cd "$work/shlibs" && dpkg-shlibdeps -O -e"$stage/usr/bin/joorbridge" 2>"$work/shlibdeps.log" | sed -n 's/^shlibs:Depends=//p')
[[ -n "$libraries" ]] || { cat "$work/shlibdeps.log" >&2; echo "package.sh: dpkg-shlibdeps found no libraries" >&2; exit 1; }
installed_size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: joorbridge
Version: $version
Architecture: $arch
Maintainer: joorbridge maintainers <joorbridge@localhost>
Installed-Size: $installed_size
Depends: $libraries, passwd
Section: net
Priority: optional
Description: file bridge between JOOR and warehouse systems (CSV/XML)
 joorbridge downloads JOOR wholesale orders into an outbox folder as CSV or XML
 files a warehouse or order-management system imports, exactly once per order,
 and pushes the inventory and product exports the WMS drops into an inbox back
 to JOOR. File layouts are declarative YAML mappings. Runs from systemd timers
 (one instance per brand: joorbridge@BRAND.timer), in watch mode, or cron.
 Built from commit $commit.
CONTROL

mkdir -p "$output"
deb="$output/joorbridge_${version}_${arch}.deb"
tarball="$output/$tarname.tar.gz"
# xz level 3: half the time of level 6 (10 s instead of 21 s on a 2-core machine, every CI run)
# for a package about 10 % larger (27 MB instead of 25 MB).
dpkg-deb --root-owner-group -Zxz -z3 --build "$stage" "$deb" >/dev/null
tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -czf "$tarball" "$tarname"
echo "== $deb ($(du -h "$deb" | cut -f1)), $tarball ($(du -h "$tarball" | cut -f1))"
echo "   Depends: $libraries, passwd"
