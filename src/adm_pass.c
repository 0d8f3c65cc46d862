/*
 * adm_pass.c: reading a password for the portcullis program: from the
 * terminal without echo, or one line of stdin; never argv.  Every
 * buffer that held one is wiped.
 */
#include "config.h"

#include <crypt.h>	/* CRYPT_MAX_PASSPHRASE_SIZE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "extern.h"
#include "admin.h"

/*
 * Read one line from fd into buf[0..bufsz), bufsz >= 2: the bytes up
 * to '\n' or the end of the file, without the '\n' or a "\r\n".  Read
 * byte by byte so that no stdio buffer keeps a copy.  Return 0 and its
 * length in *len, or -1 with *why: a read error, a NUL byte, or a line
 * over PASS_MAX bytes.  buf may hold password bytes either way.
 */
static int
line_read(int fd, char *buf, size_t bufsz, size_t *len, const char **why)
{
	ssize_t	 r;
	size_t	 n = 0;
	char	 c = '\0';
	int	 ret = -1;

	for (;;) {
		if ((r = read(fd, &c, 1)) == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			*why = strerror(errno);
			goto out;
		}
		if (r == 0 || c == '\n')
			break;
		if (c == '\0') {
			*why = "password contains a NUL byte";
			goto out;
		}
		if (n >= bufsz - 1 || n > PASS_MAX) {
			*why = "password longer than 1023 bytes";
			goto out;
		}
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n > PASS_MAX) {
		*why = "password longer than 1023 bytes";
		goto out;
	}
	buf[n] = '\0';
	*len = n;
	ret = 0;
out:
	explicit_bzero(&c, sizeof(c));
	return ret;
}

/*
 * Prompt on /dev/tty and read a line there with echo off.  Return as
 * line_read().
 * XXX a signal while echo is off leaves the terminal so, as with
 * getpass(3); readpassphrase(3) is not in glibc.
 */
static int
tty_read(const char *prompt, char *buf, size_t bufsz, size_t *len,
    const char **why)
{
	struct termios	 old, noecho;
	int		 fd, ret = -1;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1) {
		*why = strerror(errno);
		return -1;
	}
	if (tcgetattr(fd, &old) == -1) {
		*why = strerror(errno);
		goto out;
	}
	noecho = old;
	noecho.c_lflag &= ~(ECHO | ECHOE | ECHOK | ECHONL);
	if (write(fd, prompt, strlen(prompt)) == -1 ||
	    tcsetattr(fd, TCSAFLUSH, &noecho) == -1) {
		*why = strerror(errno);
		goto out;
	}
	ret = line_read(fd, buf, bufsz, len, why);
	(void)tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) == -1 && ret == 0) {
		*why = strerror(errno);
		ret = -1;
	}
out:
	close(fd);
	return ret;
}

/*
 * Read a password into buf (at least PASS_MAX + 2 bytes): from the
 * terminal without echo if stdin is one, typed twice if confirm; else
 * one line of stdin.  Return 0 and its length in *len, or -1 with
 * *why.  The caller wipes buf.
 */
int
adm_pass_read(char *buf, size_t bufsz, size_t *len, int confirm,
    const char **why)
{
	char	 again[PASS_MAX + 2];
	size_t	 n;
	int	 ret = -1;

	if (!isatty(STDIN_FILENO))
		return line_read(STDIN_FILENO, buf, bufsz, len, why);
	if (tty_read("Password: ", buf, bufsz, len, why) == -1)
		goto out;
	if (confirm) {
		if (tty_read("Retype password: ", again, sizeof(again),
		    &n, why) == -1)
			goto out;
		if (n != *len || memcmp(again, buf, n) != 0) {
			*why = "passwords do not match";
			goto out;
		}
	}
	ret = 0;
out:
	explicit_bzero(again, sizeof(again));
	return ret;
}

/*
 * Read a new password for user and hash it into hash (PW_HASH_MAX).
 * Return 0, or 1 (the exit status) after reporting why not.
 */
int
adm_pass_new(const char *what, char *hash, size_t hashsz)
{
	static char	 msg[64];
	char		 pass[PASS_MAX + 2];
	const char	*why = NULL;
	size_t		 n = 0;
	int		 ret = 1;

	if (adm_pass_read(pass, sizeof(pass), &n, 1, &why) == -1)
		goto out;
	if (n == 0) {
		why = "empty password";
		goto out;
	}
#ifdef CRYPT_MAX_PASSPHRASE_SIZE
	/* crypt_r() refuses longer ones, so the server could not check it. */
	if (n >= CRYPT_MAX_PASSPHRASE_SIZE) {
		(void)snprintf(msg, sizeof(msg), "password longer than %d "
		    "bytes (crypt(3))", CRYPT_MAX_PASSPHRASE_SIZE - 1);
		why = msg;
		goto out;
	}
#endif
	if (pw_init() == -1 || pw_hash(hash, hashsz, pass, n) == -1) {
		why = "cannot hash the password";
		goto out;
	}
	ret = 0;
out:
	explicit_bzero(pass, sizeof(pass));
	if (ret != 0)
		adm_fail(what, why);
	return ret;
}
