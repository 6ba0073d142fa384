#!/usr/bin/env bash
# Installs the .deb that scripts/package.sh built on THIS machine (as root: CI and test machines)
# and checks it as an operator would meet it: the files, Depends against ldd, the system user, the
# installed `joorbridge demo` without a Swift toolchain, the man page, the completions, the units
# (systemd-analyze verify), then `dpkg -r` (only config is left) and `dpkg -P`.
# Usage: scripts/check-package.sh [dist/joorbridge_VERSION_ARCH.deb]
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-package: FAILED: $*" >&2; exit 1; }
step() { printf -- '-- %s\n' "$*"; }

deb=${1:-$(ls -t dist/joorbridge_*.deb 2>/dev/null | head -n 1)}
[[ -f "$deb" ]] || fail "no package: run scripts/package.sh first"
[[ $(id -u) == 0 ]] || fail "installs a package: run as root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "contents of $deb"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#' >"$work/contents"
for path in /usr/bin/joorbridge /usr/share/joorbridge/mappings/orders-csv-lines.yml \
    /usr/share/joorbridge/schema/config.schema.json /usr/share/joorbridge/schema/mapping.schema.json \
    /lib/systemd/system/joorbridge@.service /lib/systemd/system/joorbridge@.timer /lib/systemd/system/joorbridge-watch@.service \
    /usr/share/man/man1/joorbridge.1.gz /usr/share/bash-completion/completions/joorbridge \
    /usr/share/zsh/vendor-completions/_joorbridge /usr/share/fish/vendor_completions.d/joorbridge.fish \
    /etc/joorbridge/example.yml /usr/share/doc/joorbridge/copyright; do
    grep -qx "$path" "$work/contents" || fail "$path is not in the package"
done
depends=$(dpkg-deb -f "$deb" Depends)
echo "   Depends: $depends"
for library in libcsv3 libxml2 libsqlite3-0 libssh-4; do
    [[ ", $depends," == *", $library "* || ", $depends," == *", $library,"* ]] || fail "Depends lacks $library"
done
[[ "$depends" != *swift* ]] || fail "Depends names a Swift package: $depends"

if dpkg -s joorbridge >/dev/null 2>&1; then dpkg -P joorbridge >/dev/null; fi
step "dpkg -i"
dpkg -i "$deb" >/dev/null
dpkg -L joorbridge >"$work/installed"
getent passwd joorbridge | grep -q ':/usr/sbin/nologin$' || fail "no system user joorbridge with a nologin shell"
[[ $(id -u joorbridge) -lt 1000 ]] || fail "joorbridge is not a system user (uid $(id -u joorbridge))"

step "ldd /usr/bin/joorbridge: nothing from Swift; each library it names comes from a package in Depends"
ldd /usr/bin/joorbridge >"$work/ldd"
! grep -q "not found" "$work/ldd" || fail "missing libraries: $(grep 'not found' "$work/ldd")"
! grep -qi "swift" "$work/ldd" || fail "links a Swift library: $(grep -i swift "$work/ldd")"
# The package that installed a library: dpkg knows it by one of its names (/lib or /usr/lib, link or file).
owner_of() {
    local real candidate
    real=$(readlink -f "$1")
    for candidate in "$1" "$real" "/usr${1#/usr}" "${real#/usr}"; do
        if dpkg -S "$candidate" >"$work/owner" 2>/dev/null; then
            head -n 1 "$work/owner" | cut -d: -f1
            return 0
        fi
    done
    fail "no package owns $1"
}
# The libraries the binary itself names (NEEDED); ldd also lists what those load in turn.
packages=()
while read -r soname; do
    library=$(awk -v name="$soname" '$1 == name && $2 == "=>" {print $3} $1 ~ ("/" name "$") {print $1}' "$work/ldd")
    [[ -n "$library" ]] || fail "ldd does not resolve $soname"
    owner=$(owner_of "$library")
    [[ ", $depends," == *", $owner "* || ", $depends," == *", $owner,"* ]] || fail "$soname ($library) comes from $owner, which Depends lacks"
    packages+=("$soname:$owner")
done < <(objdump -p /usr/bin/joorbridge | awk '$1 == "NEEDED" {print $2}')
((${#packages[@]} > 0)) || fail "objdump found no NEEDED libraries"
echo "   ldd: $(wc -l <"$work/ldd") libraries loaded, none from Swift; the binary names ${#packages[@]}: ${packages[*]}"

step "the installed joorbridge, as the joorbridge user, without a Swift toolchain"
clean=(env -i HOME="$work/home" PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)
if "${clean[@]}" sh -c 'command -v swift swiftc' >/dev/null; then fail "a Swift toolchain is on the clean PATH"; fi
chmod 755 "$work"
install -d -o joorbridge -g joorbridge "$work/home"
version=$(dpkg-deb -f "$deb" Version)
reported=$(runuser -u joorbridge -- "${clean[@]}" joorbridge --version)
[[ "$reported" == "$version ("*")" ]] || fail "--version says '$reported', the package is $version"
echo "   joorbridge --version: $reported"
runuser -u joorbridge -- "${clean[@]}" joorbridge demo --workdir "$work/home/demo" --orders 5 >"$work/demo.out" 2>"$work/demo.err" \
    || { cat "$work/demo.err" >&2; fail "the installed demo failed"; }
grep -q "What happened" "$work/demo.out" || fail "the demo printed no tour: $(cat "$work/demo.out")"
ls "$work/home/demo/outbox" | grep -q '^ORD_' || fail "the demo wrote no order file"
runuser -u joorbridge -- "${clean[@]}" joorbridge check --mapping /usr/share/joorbridge/mappings/orders-xml.yml >/dev/null \
    || fail "the installed mappings do not check"
for document in config mapping; do
    joorbridge schema "$document" | cmp -s - "/usr/share/joorbridge/schema/$document.schema.json" \
        || fail "/usr/share/joorbridge/schema/$document.schema.json differs from 'joorbridge schema $document'"
done

step "man page and completions"
MANWIDTH=100 man -l /usr/share/man/man1/joorbridge.1.gz 2>"$work/man.err" | col -b >"$work/man.txt"
[[ ! -s "$work/man.err" ]] || fail "man -l complained: $(cat "$work/man.err")"
subcommands=$(joorbridge --help | sed -n '/^SUBCOMMANDS:/,/^$/p' | awk '/^  [a-z][a-z-]* / {print $1}')
[[ $(wc -w <<<"$subcommands") -ge 9 ]] || fail "joorbridge --help lists too few subcommands: $subcommands"
for subcommand in $subcommands; do
    grep -Eq "^ +$subcommand( |\$)" "$work/man.txt" || fail "the man page does not describe the subcommand $subcommand"
done
echo "   man -l: $(wc -l <"$work/man.txt") lines, every subcommand: $(echo $subcommands)"
completion=$(bash -c 'source /usr/share/bash-completion/completions/joorbridge && complete -p joorbridge')
[[ "$completion" == *" joorbridge" ]] || fail "the bash completion did not load: $completion"
echo "   bash: $completion"
grep -q '^#compdef joorbridge' /usr/share/zsh/vendor-completions/_joorbridge || fail "the zsh completion lacks #compdef"
grep -q "^complete -c 'joorbridge'" /usr/share/fish/vendor_completions.d/joorbridge.fish || fail "the fish completion completes nothing"

step "systemd units"
if command -v systemd-analyze >/dev/null; then
    status=0
    systemd-analyze verify --man=no /lib/systemd/system/joorbridge@.service /lib/systemd/system/joorbridge@.timer \
        /lib/systemd/system/joorbridge-watch@.service >"$work/verify" 2>&1 || status=$?
    [[ $status == 0 ]] && ! grep -q joorbridge "$work/verify" || fail "systemd-analyze verify: $(cat "$work/verify")"
    echo "   systemd-analyze verify: ok"
else
    echo "   SKIPPED systemd-analyze verify: systemd-analyze is not installed on this machine (apt-get install systemd)"
fi

step "dpkg -r: only config is left; dpkg -P: nothing"
dpkg -r joorbridge >/dev/null
[[ $(dpkg-query -W -f '${db:Status-Status}' joorbridge) == config-files ]] || fail "after dpkg -r the package is not in state config-files"
while read -r path; do
    if [[ -e "$path" && ! -d "$path" && "$path" != /etc/joorbridge/example.yml ]]; then fail "dpkg -r left $path"; fi
done <"$work/installed"
[[ -f /etc/joorbridge/example.yml ]] || fail "dpkg -r removed the config /etc/joorbridge/example.yml"
dpkg -P joorbridge >/dev/null
! dpkg -s joorbridge >/dev/null 2>&1 || fail "still installed after dpkg -P"
[[ ! -e /etc/joorbridge ]] || fail "dpkg -P left /etc/joorbridge"
while read -r path; do
    if [[ -e "$path" && ! -d "$path" ]]; then fail "dpkg -P left $path"; fi
done <"$work/installed"
echo "check-package: all checks passed ($deb)"
