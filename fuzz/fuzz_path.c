/*
 * fuzz_path.c: path_canon() and path_authority() (src/path.c) over a
 * raw request target.  Properties of an accepted target:
 *  - the result is absolute, NUL-terminated, at most REQ_PATH_MAX
 *    bytes, UTF-8 without control bytes or '\';
 *  - it holds no "//", no "." or ".." segment (RFC 3986 §5.2.4) and
 *    no '%' (a backend that decodes twice would see another path);
 *  - canonicalising it again, when it holds neither '?' nor '#'
 *    (which decoding "%3F" and "%23" gives), gives it back unchanged;
 *  - into a buffer too small for it, the call fails and writes "",
 *    never past the buffer (the buffer is allocated to size).
 */
#include "config.h"

#include <string.h>

#include "extern.h"
#include "fuzz.h"

static int
has_dot_segment(const char *p)
{
	const char	*s;
	size_t		 n;

	for (s = p; *s != '\0'; s += n) {
		s++;			/* the '/' */
		n = strcspn(s, "/");
		if ((n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*raw = (const char *)data, *auth;
	char		 out[REQ_PATH_MAX + 1], again[REQ_PATH_MAX + 1];
	char		*small;
	size_t		 n, authsz, smallsz;
	enum pathres	 res;

	res = path_canon(out, sizeof(out), raw, size);
	PROPERTY(res < PATH__MAX);
	if (res != PATH_OK) {
		PROPERTY(out[0] == '\0');
	} else {
		n = strlen(out);
		PROPERTY(n >= 1 && n <= REQ_PATH_MAX && out[0] == '/');
		PROPERTY(utf8_valid(out, n) && !has_ctl(out, n));
		PROPERTY(strchr(out, '\\') == NULL);
		PROPERTY(strstr(out, "//") == NULL);
		PROPERTY(!has_dot_segment(out));
		PROPERTY(strchr(out, '%') == NULL);
		if (strpbrk(out, "?#") == NULL) {
			PROPERTY(path_canon(again, sizeof(again), out, n) ==
			    PATH_OK);
			PROPERTY(strcmp(again, out) == 0);
		}
		/* Too small by one: refused, nothing written past it. */
		smallsz = n;
		if ((small = malloc(smallsz)) == NULL)
			abort();
		PROPERTY(path_canon(small, smallsz, raw, size) ==
		    PATH_TOOLONG);
		PROPERTY(small[0] == '\0');
		free(small);
	}

	if (path_authority(raw, size, &auth, &authsz)) {
		PROPERTY(auth >= raw && auth + authsz <= raw + size);
		PROPERTY(memchr(auth, '/', authsz) == NULL);
	}
	return 0;
}
