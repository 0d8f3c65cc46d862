/*
 * adm_util.c: what every command of the portcullis program shares:
 * reporting an error and taking a subcommand's options.  Here rather
 * than beside main() so that the commands link into Check programs.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "admin.h"

/*
 * Report an error as one line "portcullis: what: why", or
 * "portcullis: why" when why already starts with "what: " (a file's
 * path in a message about that file).  Return 1, the exit status of
 * an error.
 */
int
adm_fail(const char *what, const char *why)
{
	size_t	 n = strlen(what);

	if (strncmp(why, what, n) == 0 && why[n] == ':' && why[n + 1] == ' ')
		fprintf(stderr, "portcullis: %s\n", why);
	else
		fprintf(stderr, "portcullis: %s: %s\n", what, why);
	return 1;
}

/*
 * "PATTERN" or "PATTERN host HOST" into buf, as the commands print a
 * resource.  Returns buf.
 */
const char *
adm_res_name(char *buf, size_t bufsz, const char *pattern, const char *host)
{
	if (host == NULL)
		(void)snprintf(buf, bufsz, "%s", pattern);
	else
		(void)snprintf(buf, bufsz, "%s host %s", pattern, host);
	return buf;
}

/*
 * Take the options of a subcommand from argv: each "--name VALUE" or
 * "--name=VALUE" with name in names[0..n) stores VALUE in vals[i];
 * "--" ends them.  Return how many arguments they took, or -1 on an
 * unknown option or a missing value (a usage error).
 */
int
adm_opts(int argc, char *argv[], const char *const *names,
    const char **vals, size_t n)
{
	size_t	 i, len;
	int	 k = 0;

	while (k < argc && strncmp(argv[k], "--", 2) == 0) {
		if (argv[k][2] == '\0')
			return k + 1;
		for (i = 0; i < n; i++) {
			len = strlen(names[i]);
			if (strncmp(argv[k] + 2, names[i], len) != 0)
				continue;
			if (argv[k][2 + len] == '=') {
				vals[i] = argv[k] + 3 + len;
				break;
			}
			if (argv[k][2 + len] == '\0' && k + 1 < argc) {
				vals[i] = argv[++k];
				break;
			}
		}
		if (i == n)
			return -1;
		k++;
	}
	return k;
}

/* -S, else PORTCULLIS_STATE: the lockout state database, if given. */
static const char	*state_opt;

void
adm_state_set(const char *path)
{
	state_opt = path;
}

/*
 * The lockout state database of the policy database db (state_path():
 * -S, PORTCULLIS_STATE, else db + "-state").  Returns a static buffer,
 * or NULL (reported) if the path is too long.
 */
const char *
adm_state_path(const char *db)
{
	static char	 buf[PATH_MAX];
	const char	*opt = state_opt;

	if (opt == NULL)
		opt = getenv("PORTCULLIS_STATE");
	if (state_path(buf, sizeof(buf), db, opt) == -1) {
		(void)adm_fail(db, "lockout state database path too long");
		return NULL;
	}
	return buf;
}
