/* fs.c - see fs.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fs.h"

int
st_mkdir_p(const char *dir)
{
	char *p = st_strdup(dir);
	size_t n = strlen(p);

	/* Each prefix ending at a '/' (and the whole path) in turn; an
	 * existing one is fine. */
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		char c = p[i];
		p[i] = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			int e = errno;
			free(p);
			errno = e;
			return -1;
		}
		p[i] = c;
	}
	free(p);
	return 0;
}

int
st_mkdir_parents(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL || slash == path)
		return 0;
	char *dir = st_strndup(path, slash - path);
	int rc = st_mkdir_p(dir);
	int e = errno;
	free(dir);
	errno = e;
	return rc;
}

int
st_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

void
st_fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? st_strndup(path, slash == path ? 1 :
	    (size_t)(slash - path)) : st_strdup(".");

	(void)st_fsync_dir(dir);
	free(dir);
}

int
st_write_file_atomic(const char *path, const void *data, size_t n)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path + 1) : 0;
	size_t len = strlen(path) + 16;
	char *tmp = st_malloc(len);
	int e = 0;

	snprintf(tmp, len, "%.*s.%s.tmp", (int)dlen, path, path + dlen);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		e = errno;
		goto out;
	}
	for (const char *p = data; n > 0;) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			e = errno;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	if (e == 0 && fsync(fd) < 0)
		e = errno;
	if (close(fd) < 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, path) < 0)
		e = errno;
	if (e)
		unlink(tmp);
	else
		st_fsync_parent(path);
out:
	free(tmp);
	errno = e;
	return e ? -1 : 0;
}
