/*
 * replay.c: run one fuzz driver over every file of its corpus, without
 * libFuzzer: what `make check` does with fuzz/corpus/NAME, so that the
 * properties are checked on every build (under ASan and UBSan in the
 * sanitizer build) and a crash the fuzzer found stays fixed.  With
 * arguments, runs over those files instead.  Exit 0, or abort() on
 * the first property that fails.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define INPUT_MAX	(1024 * 1024)

static size_t	 nrun;

static void
run_file(const char *path)
{
	static unsigned char	 buf[INPUT_MAX];
	unsigned char		*in;
	ssize_t			 r;
	size_t			 n = 0;
	int			 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		err(1, "%s", path);
	while ((r = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)r;
	if (r == -1)
		err(1, "%s", path);
	close(fd);
	/* An exact-size copy, so that ASan sees a read past the input. */
	if ((in = malloc(n == 0 ? 1 : n)) == NULL)
		err(1, NULL);
	memcpy(in, buf, n);
	LLVMFuzzerTestOneInput(in, n);
	free(in);
	nrun++;
}

static void
run_dir(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[PATH_MAX];

	if ((d = opendir(dir)) == NULL)
		err(1, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path))
			errx(1, "%s/%s: path too long", dir, de->d_name);
		run_file(path);
	}
	closedir(d);
}

int
main(int argc, char *argv[])
{
	struct stat	 st;
	int		 i;

	if (argc < 2)
		run_dir(CORPUS);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1)
			err(1, "%s", argv[i]);
		if (S_ISDIR(st.st_mode))
			run_dir(argv[i]);
		else
			run_file(argv[i]);
	}
	if (nrun == 0)
		errx(1, "no input: an empty corpus proves nothing");
	printf("%zu inputs, every property held\n", nrun);
	return 0;
}
