#!/bin/sh
# server-certs.sh: client certificates (README "Client certificates",
# issue 12) through real TLS servers on 127.0.0.1, the shipped example
# configurations, ports 19070-19099:
#   nginx   examples/nginx-client-cert.conf               19070-19074
#   lighttpd examples/lighttpd-client-cert.conf           19075-19079
#   Apache  examples/apache-client-cert.conf              19080-19084,
#           (mod_authnz_fcgi, SetEnvIfExpr)               Portcullis +5
#   Apache  the same without its SetEnvIfExpr lines       19090-19094,
#           (what an authorizer sees of mod_ssl alone)    Portcullis +5
# At test time, with openssl: a CA, a server certificate for
# 127.0.0.1 (subjectAltName IP:127.0.0.1), and client certificates:
# alice's (mapped by its fingerprint), bob's (mapped by subject and
# issuer), carol's (mapped by subject; carol is disabled), one of the
# CA that no row maps, one the CA revoked (CRL), and one of another CA
# with alice's subject.  The exact status line the client sees for
# each, with and without a password; headers a client forges under
# the servers' names change nothing; the log names the certificate by
# its fingerprint prefix and why it was not used, and holds no PEM.
. "${top_srcdir:-.}/tests/lib.sh"

command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
command -v openssl >/dev/null 2>&1 || skip_or_fail "openssl is not installed"
demo_setup "$work" || { fail "demo database"; finish server-certs; }
sock=$work/portcullis.sock
pki=$work/pki

# --- the PKI --------------------------------------------------------------
mkdir -p "$pki"
cat > "$pki/ca.cnf" <<'EOF'
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
crlnumber = crlnumber
default_md = sha256
default_days = 2
default_crl_days = 2
policy = pol
copy_extensions = copy
[ pol ]
commonName = supplied
organizationName = optional
[ v3_ca ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ srv ]
basicConstraints = CA:false
subjectAltName = IP:127.0.0.1
extendedKeyUsage = serverAuth
[ cli ]
basicConstraints = CA:false
extendedKeyUsage = clientAuth
EOF
key()
{
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1" 2>/dev/null
}
# sign NAME SUBJECT EXTENSIONS: NAME.crt of the CA, with NAME.key.
sign()
{
	key "$1.key" &&
	openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" \
	    2>/dev/null &&
	openssl ca -batch -config ca.cnf -cert ca.crt -keyfile ca.key \
	    -extensions "$3" -in "$1.csr" -out "$1.crt" -notext >/dev/null 2>&1
}
if ! (
	cd "$pki" && : >index.txt && echo 1000 >serial &&
	echo 1000 >crlnumber && key ca.key &&
	openssl req -x509 -new -key ca.key -days 2 -out ca.crt \
	    -subj "/CN=Portcullis Test CA/O=Example" -extensions v3_ca \
	    -config ca.cnf 2>/dev/null &&
	sign server "/CN=127.0.0.1" srv &&
	sign alice "/CN=alice/O=Example" cli &&
	sign bob "/CN=bob/O=Example" cli &&
	sign carol "/CN=carol/O=Example" cli &&
	sign unmapped "/CN=nobody/O=Example" cli &&
	sign revoked "/CN=revoked/O=Example" cli &&
	openssl ca -config ca.cnf -cert ca.crt -keyfile ca.key \
	    -revoke revoked.crt >/dev/null 2>&1 &&
	openssl ca -gencrl -config ca.cnf -cert ca.crt -keyfile ca.key \
	    -out ca.crl >/dev/null 2>&1 &&
	key other-ca.key &&
	openssl req -x509 -new -key other-ca.key -days 2 -out other-ca.crt \
	    -subj "/CN=Other CA/O=Example" -extensions v3_ca \
	    -config ca.cnf 2>/dev/null &&
	key other.key &&
	openssl req -new -key other.key -subj "/CN=alice/O=Example" \
	    -out other.csr 2>/dev/null &&
	openssl x509 -req -in other.csr -CA other-ca.crt \
	    -CAkey other-ca.key -CAcreateserial -days 2 \
	    -out other.crt 2>/dev/null
); then
	fail "openssl: the test PKI"
	finish server-certs
fi
# server_up (lib.sh) asks the servers with curl: trust the test CA.
CURL_CA_BUNDLE=$pki/ca.crt
export CURL_CA_BUNDLE

# --- the mappings ---------------------------------------------------------
# The demo's alice holds editor (/docs/index.html), bob viewer
# (/docs/guide.txt); carol is disabled.  DNs as both servers give
# them: RFC 2253, last RDN first.
A="$ADMIN -d $work/auth.db"
$A cert add alice --pem "$pki/alice.crt" >/dev/null &&
$A cert add bob --subject 'O=Example,CN=bob' \
    --issuer 'O=Example,CN=Portcullis Test CA' >/dev/null &&
$A cert add carol --subject 'O=Example,CN=carol' >/dev/null ||
    { fail "cert add"; finish server-certs; }
FPA=$(openssl x509 -in "$pki/alice.crt" -outform DER | sha256sum | cut -c1-16)
FPU=$(openssl x509 -in "$pki/unmapped.crt" -outform DER | sha256sum | cut -c1-16)
# alice's certificate as nginx would escape it, for a forged header.
ESC=$(od -An -tx1 -v "$pki/alice.crt" | tr -d ' \n' | sed 's/../%&/g')

# req OUT TARGET [curl options...]: one GET over TLS; OUT.line the
# status line ("" when the TLS handshake failed).
req()
{
	_o=$1 _t=$2
	shift 2
	curl -s -i --max-time 10 ${curl_opts:-} "$@" \
	    "https://127.0.0.1:$port$_t" >"$_o" 2>/dev/null
	head -n 1 "$_o" | tr -d '\r' > "$_o.line"
}
# cert NAME: curl's options to present NAME's certificate.
cert()
{
	echo "--cert $pki/$1.crt --key $pki/$1.key"
}
seen()
{
	check_eq "$1" "$(cat "$2.line")" "$3"
}

# scenario NAME REFUSED: the requests every server gets; REFUSED the
# status line for a certificate the server itself cannot verify.
scenario()
{
	_n=$1
	# shellcheck disable=SC2046
	{
	req "$work/c1" /docs/index.html $(cert alice)
	req "$work/c2" /docs/guide.txt $(cert bob)
	req "$work/c3" /docs/guide.txt $(cert unmapped)
	req "$work/c4" /docs/guide.txt $(cert unmapped) -u bob:builder
	req "$work/c5" /docs/guide.txt $(cert unmapped) -u bob:wrong
	req "$work/c6" /docs/guide.txt $(cert carol)
	req "$work/c7" /docs/guide.txt $(cert revoked)
	req "$work/c8" /docs/guide.txt $(cert other)
	req "$work/c9" /docs/index.html $(cert bob)
	req "$work/c10" /docs/index.html $(cert alice) -u bob:wrong
	}
	req "$work/c11" /docs/guide.txt
	req "$work/c12" /docs/guide.txt -u bob:builder
	req "$work/c13" /docs/index.html \
	    -H "SSL-Client-Verify: SUCCESS" -H "SSL_CLIENT_VERIFY: SUCCESS" \
	    -H "HTTPS: on" -H "SSL-Client-Cert: $ESC" -H "SSL_CLIENT_CERT: $ESC" \
	    -H "X-SSL-Client-S-DN: O=Example,CN=bob" \
	    -H "SSL_CLIENT_S_DN: O=Example,CN=bob"
	seen "$_n: alice's certificate, no password: 200" "$work/c1" \
	    "HTTP/1.1 200 OK"
	seen "$_n: bob's by subject and issuer: 200" "$work/c2" \
	    "HTTP/1.1 200 OK"
	seen "$_n: an unmapped certificate alone: 401" "$work/c3" \
	    "HTTP/1.1 401 Unauthorized"
	seen "$_n: an unmapped certificate and bob's password: 200" \
	    "$work/c4" "HTTP/1.1 200 OK"
	seen "$_n: an unmapped certificate and a wrong password: 401" \
	    "$work/c5" "HTTP/1.1 401 Unauthorized"
	seen "$_n: disabled carol's certificate: 401" "$work/c6" \
	    "HTTP/1.1 401 Unauthorized"
	seen "$_n: a revoked certificate: the server refuses it" \
	    "$work/c7" "$2"
	seen "$_n: another CA's certificate with alice's subject" \
	    "$work/c8" "$2"
	seen "$_n: bob's certificate, editor's page: 403" "$work/c9" \
	    "HTTP/1.1 403 Forbidden"
	seen "$_n: a mapped certificate wins over a wrong password" \
	    "$work/c10" "HTTP/1.1 200 OK"
	seen "$_n: no certificate: 401" "$work/c11" "HTTP/1.1 401 Unauthorized"
	seen "$_n: no certificate, bob's password: 200" "$work/c12" \
	    "HTTP/1.1 200 OK"
	seen "$_n: forged certificate headers: 401" "$work/c13" \
	    "HTTP/1.1 401 Unauthorized"
	"$ADMIN" -d "$work/auth.db" lockout clear >/dev/null
}

# logged NAME FILE: Portcullis's lines for the certificates.
logged()
{
	_f=$2
	grep -q "denied: client=127.0.0.1 status=401 reason=no-credentials user=\"\" method=\"GET\" uri=\"/docs/guide.txt\" cert=$FPU cert_reason=unmapped-cert" "$_f" &&
	    ok "$1: an unmapped certificate logged by its fingerprint" ||
	    fail "$1: $(grep cert= "$_f" | head -3)"
	grep -q "auth failure: client=127.0.0.1 reason=bad-password user=\"bob\" method=\"GET\" uri=\"/docs/guide.txt\" cert=$FPU cert_reason=unmapped-cert" "$_f" &&
	    ok "$1: the password's failure names the certificate too" ||
	    fail "$1: $(grep bad-password "$_f" | head -3)"
	grep -q "reason=no-credentials user=\"\" method=\"GET\" uri=\"/docs/guide.txt\" cert=subject cert_reason=disabled-user" "$_f" &&
	    ok "$1: carol's certificate: not used, disabled-user" ||
	    fail "$1: $(grep disabled-user "$_f" | head -3)"
	grep -q "denied: client=127.0.0.1 status=403 reason=no-grant user=\"bob\" method=\"GET\" uri=\"/docs/index.html\" cert=subject" "$_f" &&
	    ok "$1: bob's 403 names his certificate" ||
	    fail "$1: $(grep no-grant "$_f" | head -3)"
	if grep -q 'MII\|BEGIN' "$_f"; then
		fail "$1: a certificate's PEM in the log"
	else
		ok "$1: no PEM in the log"
	fi
}

fcgi_start()
{
	rm -f "$sock"
	"$FCGI" -n 1 -d "$work/auth.db" -s "$sock" "$@" \
	    2>>"$work/fcgi.err" &
	fpid=$!
	started $fpid
	wait_socket "$sock" $fpid && return 0
	fail "portcullis.fcgi: $(tail -3 "$work/fcgi.err")"
	return 1
}

# --- nginx ----------------------------------------------------------------
tls_sed="s|/etc/portcullis/tls/server.crt|$pki/server.crt|;s|/etc/portcullis/tls/server.key|$pki/server.key|;s|/etc/portcullis/tls/client-ca.crt|$pki/ca.crt|;s|/etc/portcullis/tls/client-ca.crl|$pki/ca.crl|"
nginx_tls_conf()
{
	sed -e "s|listen 127\.0\.0\.1:8443 ssl;|listen 127.0.0.1:$port ssl;|" \
	    "$nginx_d/nginx.conf.in" > "$nginx_d/nginx.conf"
	srv_url=https://127.0.0.1:$port/public/index.html
	srv_pidfile=$nginx_d/nginx.pid
	srv_logs=$nginx_d/logs/portcullis-error.log
	nginx -t -q -p "$nginx_d/" -c "$nginx_d/nginx.conf" \
	    >"$nginx_d/conftest.log" 2>&1 && return 0
	fail "nginx -t: $(cat "$nginx_d/conftest.log")"
	return 1
}
if command -v nginx >/dev/null 2>&1; then
	nginx_d=$work/nginx
	mkdir -p "$nginx_d/logs" "$nginx_d/tmp"
	sed -e "s|^user .*|user $(id -un) $(id -gn);|" \
	    -e "s|/run/nginx-portcullis\.pid|$nginx_d/nginx.pid|" \
	    -e "s|/var/log/nginx/|$nginx_d/logs/|" \
	    -e "s|/var/lib/nginx/|$nginx_d/tmp/|" \
	    -e "s|/run/portcullis/portcullis\.sock|$sock|" \
	    -e "s|/srv/www|$work/www|" -e "$tls_sed" \
	    "$top_srcdir/examples/nginx-client-cert.conf" > "$nginx_d/nginx.conf.in"
	if fcgi_start && start_server "nginx" 19070 5 "$nginx_d/nginx.err" \
	    nginx_tls_conf nginx -p "$nginx_d/" -c "$nginx_d/nginx.conf" \
	    -g 'daemon off;'; then
		ok "nginx: on https://127.0.0.1:$port"
		scenario nginx "HTTP/1.1 400 Bad Request"
		logged nginx "$nginx_d/logs/portcullis-error.log"
		stop_server "$srv_pid"
	fi
	[ -n "${fpid:-}" ] && stop_server "$fpid"
	fpid=
else
	ok "# SKIP nginx: not installed"
fi

# --- Apache: mod_authnz_fcgi ------------------------------------------------
command -v apache2 >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
fpid=
apache_prep()
{
	fport=$((port + 5))
	_ug='/^User /d;/^Group /d'
	[ "$(id -u)" = 0 ] && _ug='s|^User .*|User www-data|;s|^Group .*|Group www-data|'
	mkdir -p "$work/apache" "$work/arun" "$work/alog"
	sed -e "s|^ServerRoot .*|ServerRoot \"$work/apache\"|" -e "$_ug" \
	    -e "s|127\.0\.0\.1:8443|127.0.0.1:$port|" \
	    -e "s|fcgi://127\.0\.0\.1:9000/|fcgi://127.0.0.1:$fport/|" \
	    -e "s|/run/apache2|$work/arun|g" \
	    -e "s|/var/log/apache2|$work/alog|g" \
	    -e "s|/srv/www|$work/www|g" -e "$tls_sed" -e "$asetenv" \
	    "$top_srcdir/examples/apache-client-cert.conf" > "$work/apache.conf"
	srv_url=https://127.0.0.1:$port/public/index.html
	srv_logs=$work/alog/portcullis-cert-error.log
	apache2 -t -f "$work/apache.conf" >"$work/apache-t.log" 2>&1 ||
	    { fail "apache2 -t: $(cat "$work/apache-t.log")"; return 1; }
	[ -n "$fpid" ] && stop_server "$fpid"
	"$FCGI" -n 1 -l "$flog" -d "$work/auth.db" -s "127.0.0.1:$fport" \
	    2>>"$work/fcgi-$port.err" &
	fpid=$!
	started $fpid
	sleep 0.2
	kill -0 $fpid 2>/dev/null ||
	    { fail "portcullis.fcgi on :$fport: $(tail -2 "$work/fcgi-$port.err")"
	      fpid=; return 1; }
	srv_also=$fpid
}
if command -v apache2 >/dev/null 2>&1 &&
    [ -f /usr/lib/apache2/modules/mod_authnz_fcgi.so ] &&
    [ -f /usr/lib/apache2/modules/mod_ssl.so ]; then
	[ "$(id -u)" = 0 ] && chmod 0755 "$work"
	asetenv='s/^$//' flog=fcgi
	if start_server "apache" 19080 5 "$work/apache.err" apache_prep \
	    apache2 -f "$work/apache.conf" -DFOREGROUND; then
		ok "apache: on https://127.0.0.1:$port, Portcullis :$fport"
		# A certificate mod_ssl cannot verify ends the handshake:
		# no status line at all.
		scenario apache ""
		logged apache "$work/alog/portcullis-cert-error.log"
		stop_server "$srv_pid"
		stop_server "$fpid"
		fpid=
	fi
	# Without the SetEnvIfExpr lines an authorizer sees none of
	# mod_ssl's variables (they come in its fixup hook, after
	# authentication): alice's certificate is not seen at all.
	asetenv='/SetEnvIfExpr/d' flog=stderr
	if start_server "apache without SetEnvIfExpr" 19090 5 \
	    "$work/apache2.err" apache_prep \
	    apache2 -f "$work/apache.conf" -DFOREGROUND; then
		# shellcheck disable=SC2046
		req "$work/n1" /docs/index.html $(cert alice)
		seen "apache without SetEnvIfExpr: alice's certificate unseen: 401" \
		    "$work/n1" "HTTP/1.1 401 Unauthorized"
		check_eq "apache without SetEnvIfExpr: Portcullis saw no certificate" \
		    "$(grep -c 'portcullis: denied: client=127\.0\.0\.1 status=401 reason=no-credentials user="" method="GET" uri="/docs/index\.html"$' \
			"$work/fcgi-$port.err")" 1
		stop_server "$srv_pid"
		stop_server "$fpid"
		fpid=
	fi
else
	ok "# SKIP Apache: apache2, mod_authnz_fcgi or mod_ssl not installed"
fi

# --- lighttpd: the authorizer over TLS --------------------------------------
# lighttpd gives the subject DN in OpenSSL's "oneline" form
# ("CN = bob, O = Example", first RDN first): bob's and carol's subject
# rows as lighttpd passes them (alice's fingerprint row serves every
# server).  lighttpd 1.4.69 passes no issuer (SSL_CLIENT_I_DN): a row
# that names one never matches there, so bob's names none.
command -v lighttpd >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
lighttpd_tls_conf()
{
	sed -e "s|^server.port .*|server.port = $port|" \
	    "$work/lighttpd-tls.conf.in" > "$work/lighttpd-tls.conf"
	srv_url=https://127.0.0.1:$port/public/index.html
	lighttpd -tt -f "$work/lighttpd-tls.conf" >"$work/lconftest.log" 2>&1 &&
	    return 0
	fail "lighttpd -tt: $(cat "$work/lconftest.log")"
	return 1
}
if command -v lighttpd >/dev/null 2>&1 &&
    [ -f /usr/lib/lighttpd/mod_openssl.so ]; then
	$A cert add bob --subject 'CN = bob, O = Example' >/dev/null &&
	$A cert add carol --subject 'CN = carol, O = Example' >/dev/null ||
	    fail "cert add: lighttpd's DNs"
	mkdir -p "$work/lrun" "$work/empty"
	sed -e '/^server.username/d' -e '/^server.groupname/d' \
	    -e "s|/var/log/lighttpd/portcullis-error.log|$work/lerror.log|" \
	    -e "s|/var/log/lighttpd/portcullis-access.log|$work/laccess.log|" \
	    -e "s|/run/lighttpd-portcullis.pid|$work/lrun/lighttpd.pid|" \
	    -e "s|/usr/lib/cgi-bin/portcullis.fcgi|$FCGI|" \
	    -e "s|/run/lighttpd/portcullis-cert.sock|$work/lrun/portcullis.sock|" \
	    -e "s|/var/lib/portcullis/auth.db|$work/auth.db|" \
	    -e "s|/srv/www|$work/www|g" -e "$tls_sed" \
	    "$top_srcdir/examples/lighttpd-client-cert.conf" \
	    > "$work/lighttpd-tls.conf.in"
	if start_server "lighttpd" 19075 5 "$work/lighttpd.err" \
	    lighttpd_tls_conf lighttpd -D -f "$work/lighttpd-tls.conf"; then
		ok "lighttpd: on https://127.0.0.1:$port"
		# lighttpd speaks HTTP/2 too: the status lines below are
		# HTTP/1.1's.
		curl_opts=--http1.1
		# A certificate lighttpd cannot verify reaches Portcullis
		# as SSL_CLIENT_VERIFY "FAILED:...": ignored, 401.
		scenario lighttpd "HTTP/1.1 401 Unauthorized"
		logged lighttpd "$work/lerror.log"
		grep -q 'cert_reason=unverified-cert' "$work/lerror.log" &&
		    ok "lighttpd: a revoked certificate logged as unverified-cert" ||
		    fail "lighttpd: $(grep cert_reason "$work/lerror.log" | tail -3)"
		curl_opts=
		stop_server "$srv_pid"
	fi
else
	ok "# SKIP lighttpd: lighttpd or lighttpd-mod-openssl not installed"
fi

sanitizer_free "" "$work"/fcgi*.err "$work"/*/logs/*.log "$work"/alog/*.log \
    "$work"/lerror.log
finish server-certs
