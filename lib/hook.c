/* hook.c - see hook.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "hook.h"
#include "datetime.h"

void
st_hooks_init(st_hooks *h, int64_t timeout_usec)
{
	memset(h, 0, sizeof *h);
	h->timeout_usec = timeout_usec > 0 ? timeout_usec : 10000000;
}

static void
reaped(st_hooks *h, int i, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		st_warn("%s command exited with status %d", h->what[i],
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		st_warn("%s command killed by signal %d%s", h->what[i],
		    WTERMSIG(status), WTERMSIG(status) == SIGKILL ?
		    " (it ran past its time limit)" : "");
	h->pid[i] = 0;
}

void
st_hooks_poll(st_hooks *h)
{
	int64_t now = st_mono_usec();

	for (int i = 0; i < ST_HOOK_MAX; i++) {
		int status;
		if (h->pid[i] == 0)
			continue;
		pid_t r = waitpid(h->pid[i], &status, WNOHANG);
		if (r == h->pid[i]) {
			reaped(h, i, status);
		} else if (r < 0 && errno == ECHILD) {
			h->pid[i] = 0;
		} else if (now - h->started[i] > h->timeout_usec) {
			/* The whole process group: sh and what it started. */
			kill(-h->pid[i], SIGKILL);
			if (waitpid(h->pid[i], &status, 0) == h->pid[i])
				reaped(h, i, status);
			h->pid[i] = 0;
		}
	}
}

void
st_hook_fire(st_hooks *h, const char *what, const char *cmd,
    const char *data, size_t len, char *const *env)
{
	int slot = -1;

	st_hooks_poll(h);
	for (int i = 0; i < ST_HOOK_MAX && slot < 0; i++)
		if (h->pid[i] == 0)
			slot = i;
	if (slot < 0) {
		st_warn("%s: %d commands still running, this event is skipped",
		    what, ST_HOOK_MAX);
		return;
	}
	char tmpl[] = "/tmp/st-hook.XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		st_warn("%s: cannot create a temporary file:", what);
		return;
	}
	unlink(tmpl);
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			st_warn("%s: cannot write a temporary file:", what);
			close(fd);
			return;
		}
		off += (size_t)w;
	}
	(void)lseek(fd, 0, SEEK_SET);
	pid_t pid = fork();
	if (pid < 0) {
		st_warn("%s: cannot start '%s':", what, cmd);
		close(fd);
		return;
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		dup2(fd, STDIN_FILENO);
		close(fd);
		/* The hook's output must not enter the stream. */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		for (char *const *e = env; e && *e; e++)
			putenv(*e);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fd);
	h->pid[slot] = pid;
	h->started[slot] = st_mono_usec();
	h->what[slot] = what;
}

void
st_hooks_release(st_hooks *h)
{
	for (;;) {
		int running = 0;
		st_hooks_poll(h);
		for (int i = 0; i < ST_HOOK_MAX; i++)
			running += h->pid[i] != 0;
		if (!running)
			return;
		struct timespec ts = { 0, 10000000 };
		nanosleep(&ts, NULL);
	}
}
