#!/bin/sh
# deps.sh: install, from Debian 12's archive, whatever of what
# Portcullis needs to build, test and run its demo is missing.
# As root it calls apt-get itself; otherwise through sudo.
# Installing a web server package must not start that server on the
# machine's public addresses: while installing, a policy-rc.d keeps
# services from starting (unless one exists already).
set -eu

# What a plain build needs: README ("By hand") lists exactly these, and
# tests/recipes.sh compares the two.  check is for make check only.
BUILD="build-essential autoconf automake libtool pkgconf libfcgi-dev
libsqlite3-dev libcrypt-dev libsodium-dev"
PKGS="$BUILD check libfcgi-bin sqlite3 curl mandoc
valgrind whois apache2-utils spawn-fcgi lighttpd nginx apache2
libapache2-mod-fcgid caddy chromium systemd fail2ban
clang libfuzzer-14-dev libclang-rt-14-dev python3-prometheus-client"
# Node.js and npm (for the headless browser test) only if absent: some
# machines carry a newer node of their own.
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
# wrk drives the soak (tests/soak.sh, bench/soak.sh).
PKGS="$PKGS wrk"
# openssl makes the test PKI of tests/server-certs.sh and tests/cert.sh;
# lighttpd-mod-openssl is lighttpd's TLS there.
PKGS="$PKGS openssl lighttpd-mod-openssl"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=
else
	SUDO=sudo
fi
echo "deps.sh: installing:$missing"
prc=/usr/sbin/policy-rc.d
made_prc=
if [ ! -e "$prc" ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$prc" >/dev/null
	$SUDO chmod 755 "$prc"
	made_prc=1
fi
rc=0
$SUDO apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    --no-install-recommends $missing || rc=$?
[ -n "$made_prc" ] && $SUDO rm -f "$prc"
exit $rc
