/*
 * adm_lockout.c: `portcullis lockout list | clear [USER | NETWORK]`,
 * the lockout state database (state.c) seen and cleared by an
 * administrator.  list prints one line per counted key:
 *	NETWORK USER FAILURES FIRST LOCKED-UNTIL
 * USER "-" for the network's own count, times in UTC
 * (YYYY-MM-DDTHH:MM:SSZ), LOCKED-UNTIL "-" when not locked now.
 * clear forgets every key of a user name or of a network as list shows
 * it ("192.0.2.7/32"), or all of them, and says how many.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "extern.h"
#include "admin.h"

static void
utc(char *buf, size_t bufsz, time_t t)
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, bufsz, "%lld", (long long)t);
}

static int
row_print(void *arg, const struct state_row *r)
{
	const time_t	*now = arg;
	char		 first[32], until[32];

	utc(first, sizeof(first), r->first);
	if (r->locked_until > *now)
		utc(until, sizeof(until), r->locked_until);
	else
		snprintf(until, sizeof(until), "-");
	return printf("%s %s %lld %s %s\n", r->network,
	    *r->user == '\0' ? "-" : r->user, (long long)r->count, first,
	    until) < 0 ? -1 : 0;
}

/*
 * lockout list | clear [WHAT]: exit 0, 1 on an error; -1 for a usage
 * error.
 */
int
cmd_lockout(const char *db, int argc, char *argv[])
{
	struct state	*s;
	const char	*path;
	char		 err[512];
	time_t		 now = time(NULL);
	int		 n, ret = 1;

	if (argc < 1 || (strcmp(argv[0], "list") == 0 && argc != 1) ||
	    (strcmp(argv[0], "clear") == 0 && argc > 2) ||
	    (strcmp(argv[0], "list") != 0 && strcmp(argv[0], "clear") != 0))
		return -1;
	if ((path = adm_state_path(db)) == NULL)
		return 1;
	if ((s = state_open(path, 0, err, sizeof(err))) == NULL)
		return adm_fail(path, err);
	if (strcmp(argv[0], "list") == 0) {
		if (state_list(s, row_print, &now) != 0)
			adm_fail("lockout list", state_errmsg(s));
		else
			ret = 0;
	} else if ((n = state_clear(s, argc == 2 ? argv[1] : NULL)) == -1)
		adm_fail("lockout clear", state_errmsg(s));
	else {
		printf("lockout cleared: %d entr%s\n", n, n == 1 ? "y" : "ies");
		ret = 0;
	}
	state_close(s);
	return ret;
}
