#!/bin/sh
# browser.sh: a real browser in front of examples/lighttpd-responder.conf.
# lighttpd runs the shipped config on 127.0.0.1 (as in
# tests/server-lighttpd.sh); tests/browser.js drives Debian's headless
# chromium through playwright-core: the Basic challenge, alice's
# navigation to the docs index, bob's 403 on it (it is for editors) and
# on /admin/, a wrong password, and a screenshot of an allowed page.
#
# playwright-core comes from npm, without any browser download, into a
# cache outside the source tree ($PORTCULLIS_NPM_CACHE, default
# ~/.cache/portcullis-npm), installed once.  $CHROMIUM overrides the
# browser binary.
. "${top_srcdir:-.}/tests/lib.sh"

command -v lighttpd >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v lighttpd >/dev/null 2>&1 ||
    skip_or_fail "lighttpd is not installed"
command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
command -v node >/dev/null 2>&1 || skip_or_fail "node is not installed"
command -v npm >/dev/null 2>&1 || skip_or_fail "npm is not installed"
# The real binary: the /usr/bin/chromium wrapper script warns on some
# shells (reference/ecosystem.md §7).
if [ -z "${CHROMIUM:-}" ]; then
	for c in /usr/lib/chromium/chromium /usr/bin/chromium; do
		[ -x "$c" ] && { CHROMIUM=$c; break; }
	done
fi
[ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ] ||
    skip_or_fail "chromium is not installed"

npmdir=${PORTCULLIS_NPM_CACHE:-${HOME:-/nonexistent}/.cache/portcullis-npm}
if [ ! -f "$npmdir/node_modules/playwright-core/package.json" ]; then
	mkdir -p "$npmdir" &&
	    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
	    npm install --no-audit --no-fund --prefix "$npmdir" \
	    playwright-core@1 >"$work/npm.log" 2>&1 ||
	    { cat "$work/npm.log"
	      skip_or_fail "npm install playwright-core into $npmdir failed"; }
fi

demo_setup "$work" || { fail "demo database"; finish browser; }

# A port of our own in 18450-18499.
start_lighttpd lighttpd-responder.conf 18450 50 || finish browser
ok "lighttpd on 127.0.0.1:$port"

# Everything the browser writes stays under $work: its profile, HOME
# (~/.pki and friends) and Playwright's temporary files.
mkdir -p "$work/profile" "$work/home" "$work/tmp"
shot=$work/docs.png
HOME=$work/home XDG_CONFIG_HOME=$work/home/.config \
    XDG_CACHE_HOME=$work/home/.cache TMPDIR=$work/tmp \
    NODE_PATH=$npmdir/node_modules CHROMIUM=$CHROMIUM \
    BROWSER_PROFILE=$work/profile BROWSER_SHOT=$shot \
    BROWSER_FIRST=$((npass + nfail + 1)) \
    timeout 180 node "$top_srcdir/tests/browser.js" \
    "http://127.0.0.1:$port" >"$work/browser.out" 2>"$work/browser.err"
rc=$?
cat "$work/browser.out"
npass=$((npass + $(grep -c '^ok ' "$work/browser.out")))
bfail=$(grep -c '^not ok ' "$work/browser.out")
nfail=$((nfail + bfail))
# An exit without a failed check: a crash, or the timeout (124).
if [ $rc -ne 0 ] && [ "$bfail" -eq 0 ]; then
	fail "browser.js exited $rc: $(tail -20 "$work/browser.err")"
elif [ $rc -eq 0 ] && [ "$bfail" -ne 0 ]; then
	fail "browser.js exited 0 after a failed check"
fi

# The screenshot proves the page was rendered: a non-empty PNG.
if [ -s "$shot" ] &&
    [ "$(od -An -tx1 -N8 "$shot" | tr -d ' \n')" = 89504e470d0a1a0a ]; then
	ok "screenshot is a PNG of $(wc -c < "$shot") bytes"
else
	fail "no PNG screenshot at $shot"
fi

stop_server $lpid
sanitizer_free "in the error log" "$work/error.log"
# The browser's wrong password reached the log, the right one did not.
bad_password_logged "wrong password logged" "$work/error.log"
if grep -q 'builder\|wrong\|Basic ' "$work/error.log"; then
	fail "a secret reached the error log"
else
	ok "no secret in the error log"
fi

finish browser
