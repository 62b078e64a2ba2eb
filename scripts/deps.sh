#!/bin/sh
# scripts/deps.sh: install the Debian packages the build and tests need;
# does nothing when all are present.
set -e
PKGS="gcc make libseccomp-dev libcap-dev liburing-dev libcriterion-dev \
busybox-static python3 sqlite3 git pkg-config"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq $missing >/dev/null
