/*
 * fcgiecho: a FastCGI "application" for the integration tests.  It
 * listens on the Unix socket argv[1] and answers every request with
 * 200 and, one per line in the order received, every parameter whose
 * name begins with argv[2] (e.g. "HTTP_X_PORTCULLIS_"), duplicates
 * included: what an application behind the web server would see.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

int
main(int argc, char *argv[])
{
	FCGX_Request	 r;
	char		**e;
	size_t		 plen;
	int		 fd;

	if (argc != 3) {
		fprintf(stderr, "usage: fcgiecho socket prefix\n");
		return 2;
	}
	plen = strlen(argv[2]);
	if (FCGX_Init() != 0 || (fd = FCGX_OpenSocket(argv[1], 16)) < 0 ||
	    FCGX_InitRequest(&r, fd, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_FPrintF(r.out, "Status: 200 OK\r\n"
		    "Content-Type: text/plain\r\n\r\n");
		for (e = r.envp; e != NULL && *e != NULL; e++)
			if (strncmp(*e, argv[2], plen) == 0)
				FCGX_FPrintF(r.out, "%s\n", *e);
		FCGX_Finish_r(&r);
	}
	return 0;
}
