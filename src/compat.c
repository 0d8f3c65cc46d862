/*
 * Fallbacks for functions the C library may lack, chosen by
 * configure (AC_CHECK_FUNCS).  glibc has explicit_bzero(3) but not
 * timingsafe_bcmp(3), so the latter is usually compiled here.
 */
#include "config.h"

#include <string.h>

#include "extern.h"

#ifndef HAVE_EXPLICIT_BZERO
/*
 * memset(3) called through a volatile function pointer: the compiler
 * cannot prove which function runs, so it cannot drop the store as
 * dead even when the buffer is freed or goes out of scope next.
 */
static void *(*const volatile compat_memset)(void *, int, size_t) = memset;

void
explicit_bzero(void *p, size_t n)
{
	(void)compat_memset(p, 0, n);
}
#endif /* !HAVE_EXPLICIT_BZERO */

#ifndef HAVE_TIMINGSAFE_BCMP
/*
 * Compare n bytes of b1 and b2 in time that depends on n only, not on
 * where the first difference lies.  Returns 0 if they are equal,
 * 1 otherwise (OpenBSD timingsafe_bcmp(3)).
 */
int
timingsafe_bcmp(const void *b1, const void *b2, size_t n)
{
	const volatile unsigned char	*p1 = b1, *p2 = b2;
	unsigned int			 diff = 0;
	size_t				 i;

	for (i = 0; i < n; i++)
		diff |= p1[i] ^ p2[i];
	return diff != 0;
}
#endif /* !HAVE_TIMINGSAFE_BCMP */

#if defined(HAVE_EXPLICIT_BZERO) && defined(HAVE_TIMINGSAFE_BCMP)
/* ISO C forbids an empty translation unit. */
typedef int compat_unused;
#endif
