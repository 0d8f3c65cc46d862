/*
 * check_dbdiag.c: dbdiag() over a temporary directory, one row per
 * cause.  Permission rows need a user the mode bits apply to: as root
 * the check runs in a forked child that becomes nobody (65534); a row
 * is skipped (and says so) only when neither is possible.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "extern.h"

#define NOBODY	65534

enum prep {
	PREP_NODIR,		/* the directory does not exist */
	PREP_NODB,		/* no database file */
	PREP_OK,		/* db, -wal, -shm all 0666, dir 0777 */
	PREP_UNREADABLE,	/* db 0000 */
	PREP_NOSHM_RODIR,	/* no -shm, dir 0555 */
	PREP_NOWAL_RODIR,	/* no -wal, dir 0555 */
	PREP_SHM_RO,		/* -shm 0444 */
	PREP_NOSEARCH,		/* dir 0666: no search */
};

static const struct {
	enum prep	 prep;
	int		 perm;		/* needs a non-root user */
	int		 want;
	const char	*msg;		/* "%s": the directory */
} rows[] = {
	{ PREP_NODIR, 0, 1, "directory %s/none: No such file or directory" },
	{ PREP_NODB, 0, 1, "%s/auth.db: No such file or directory "
	    "(make it with portcullis init)" },
	{ PREP_OK, 0, 0, "" },
	{ PREP_UNREADABLE, 1, 1, "cannot open %s/auth.db for reading: "
	    "Permission denied (run as its owner or a member of its group "
	    "root, which needs read access; portcullis.fcgi(8), FILES)" },
	{ PREP_NOSHM_RODIR, 1, 1, "cannot create auth.db-shm in %s: "
	    "Permission denied (the server's user needs write access to the "
	    "directory, or run portcullis init to make it; "
	    "portcullis.fcgi(8), FILES)" },
	{ PREP_NOWAL_RODIR, 1, 1, "cannot create auth.db-wal in %s: "
	    "Permission denied (the server's user needs write access to the "
	    "directory, or run portcullis init to make it; "
	    "portcullis.fcgi(8), FILES)" },
	{ PREP_SHM_RO, 1, 1, "cannot open %s/auth.db-shm for writing: "
	    "Permission denied (run as its owner or a member of its group "
	    "root, which needs read and write access; portcullis.fcgi(8), "
	    "FILES)" },
	{ PREP_NOSEARCH, 1, 1, "cannot search directory %s: Permission "
	    "denied (the server's user needs search access to the "
	    "directory: its group; portcullis.fcgi(8), FILES)" },
};

static void
mkfile(const char *dir, const char *name, mode_t mode)
{
	char	 p[256];
	int	 fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_int_ne(fd = open(p, O_WRONLY | O_CREAT, 0600), -1);
	close(fd);
	ck_assert_int_eq(chmod(p, mode), 0);
}

/* Remove the fixture: the directory made writable, its files, itself. */
static void
cleanup(const char *dir)
{
	static const char *const names[] = {
		"auth.db", "auth.db-wal", "auth.db-shm"
	};
	char	 p[256];
	size_t	 i;

	(void)chmod(dir, 0700);
	for (i = 0; i < nitems(names); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		(void)unlink(p);
	}
	(void)rmdir(dir);
}

START_TEST(test_dbdiag)
{
	char	 dir[] = "/tmp/check_dbdiag.XXXXXX", db[256], got[512];
	char	 want[512];
	pid_t	 pid;
	int	 st, res, r[2];
	enum prep p = rows[_i].prep;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/%s", dir,
	    p == PREP_NODIR ? "none/auth.db" : "auth.db");
	if (p != PREP_NODIR && p != PREP_NODB) {
		mkfile(dir, "auth.db", p == PREP_UNREADABLE ? 0 : 0666);
		if (p != PREP_NOWAL_RODIR)
			mkfile(dir, "auth.db-wal", 0666);
		if (p != PREP_NOSHM_RODIR)
			mkfile(dir, "auth.db-shm", p == PREP_SHM_RO ?
			    0444 : 0666);
	}
	ck_assert_int_eq(chmod(dir, p == PREP_NOSHM_RODIR ||
	    p == PREP_NOWAL_RODIR ? 0555 : p == PREP_NOSEARCH ? 0666 :
	    0777), 0);
	{
		const char	*m = rows[_i].msg, *at = strstr(m, "%s");

		if (at == NULL)
			snprintf(want, sizeof(want), "%s", m);
		else
			snprintf(want, sizeof(want), "%.*s%s%s",
			    (int)(at - m), m, dir, at + 2);
	}

	if (rows[_i].perm && geteuid() == 0) {
		/* As nobody in a child: root bypasses the mode bits. */
		ck_assert_int_eq(pipe(r), 0);
		ck_assert_int_ne(pid = fork(), -1);
		if (pid == 0) {
			close(r[0]);
			if (setgid(NOBODY) == -1 || setuid(NOBODY) == -1)
				_exit(3);
			memset(got, 0, sizeof(got));
			res = dbdiag(db, 0, got, sizeof(got));
			if (write(r[1], &res, sizeof(res)) != sizeof(res) ||
			    write(r[1], got, sizeof(got)) != sizeof(got))
				_exit(4);
			_exit(0);
		}
		close(r[1]);
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		ck_assert_int_eq(read(r[0], &res, sizeof(res)), sizeof(res));
		ck_assert_int_eq(read(r[0], got, sizeof(got)), sizeof(got));
		close(r[0]);
	} else {
		memset(got, 0, sizeof(got));
		res = dbdiag(db, 0, got, sizeof(got));
	}
	cleanup(dir);
	ck_assert_int_eq(res, rows[_i].want);
	if (res == 1)
		ck_assert_str_eq(got, want);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("dbdiag");
	TCase	*tc = tcase_create("rows");
	SRunner	*sr;
	int	 nf;

	tcase_add_loop_test(tc, test_dbdiag, 0, (int)nitems(rows));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
