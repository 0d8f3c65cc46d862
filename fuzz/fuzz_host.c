/*
 * fuzz_host.c: host_canon() (src/path.c) over a Host header value.
 * Properties of an accepted host (the grammar tests/hosts.tab states):
 *  - 1-REQ_HOST_MAX bytes, lower case, no port;
 *  - a reg-name of [a-z0-9._-] in non-empty labels (no leading,
 *    trailing or double dot), or "[" + [0-9a-f:.]+ + "]";
 *  - canonicalising it again gives it back unchanged;
 *  - into a buffer too small for it, the call fails and writes "".
 */
#include "config.h"

#include <string.h>

#include "extern.h"
#include "fuzz.h"

static int
host_grammar(const char *h, size_t n)
{
	size_t	 i;

	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']')
			return 0;
		for (i = 1; i < n - 1; i++)
			if (strchr("0123456789abcdef:.", h[i]) == NULL)
				return 0;
		return 1;
	}
	if (h[0] == '.' || h[n - 1] == '.' || strstr(h, "..") != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz0123456789._-",
		    h[i]) == NULL)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*raw = (const char *)data;
	char		 out[REQ_HOST_MAX + 1], again[REQ_HOST_MAX + 1];
	char		*small;
	size_t		 n;
	int		 rc;

	rc = host_canon(out, sizeof(out), raw, size);
	PROPERTY(rc == -1 || rc == 0 || rc == 1);
	if (rc != 1) {
		PROPERTY(out[0] == '\0');
		PROPERTY(rc == -1 || size == 0);
		return 0;
	}
	n = strlen(out);
	PROPERTY(n >= 1 && n <= REQ_HOST_MAX && n <= size);
	PROPERTY(memchr(out, '\0', n) == NULL && host_grammar(out, n));
	PROPERTY(host_canon(again, sizeof(again), out, n) == 1);
	PROPERTY(strcmp(again, out) == 0);

	if ((small = malloc(n)) == NULL)
		abort();
	PROPERTY(host_canon(small, n, raw, size) == -1 && small[0] == '\0');
	free(small);
	return 0;
}
