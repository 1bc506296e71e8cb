/* exec.c - Spark's foreachBatch: a command run once per batch with the
 * batch's records on its standard input; see sink.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

#include "err.h"
#include "sink.h"

/* Records are gathered and written to the command's pipe in blocks. */
#define BLOCK (64 * 1024)

typedef struct exec_sink {
	char *command, *checkpoint, *desc;
	pid_t pid;		/* the command of this batch; 0 between */
	int fd;			/* its standard input; -1 once closed */
	int gone;		/* it closed its input (EPIPE): discard */
	st_buf out;		/* records not yet written to fd */
	st_buf env;		/* scratch for the environment values */
} exec_sink;

/* The command of the batch in progress, terminated (its process group)
 * when st-sink exits in the middle of the batch, so that it never takes
 * the end of a cut-short input for a whole batch; only kill -9 of
 * st-sink leaves it to see end of input (see st-sink(1)). */
static pid_t current_child;

static void
stop_child(void)
{
	if (current_child > 0)
		(void)kill(-current_child, SIGTERM);
}

/* The child: the batch's environment, default SIGPIPE (st-sink ignores
 * it, and ignored signals survive exec), stdin from the pipe, sh -c. */
static noreturn void
child(exec_sink *x, const st_sink_batch *b, int rfd, pid_t parent)
{
	char id[32];
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	(void)setpgid(0, 0);
#ifdef __linux__
	/* st-sink killed (kill -9): the shell dies too, so it does not go
	 * on to act on what is a cut-short batch. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(126);
#else
	(void)parent;
#endif
	snprintf(id, sizeof id, "%lld", (long long)(b->id < 0 ? 0 : b->id));
	st_buf_reset(&x->env);
	for (char *const *k = b->keys; k && *k; k++) {
		if (k != b->keys)
			st_buf_putc(&x->env, ',');
		st_buf_puts(&x->env, *k);
	}
	if (setenv("ST_BATCH_ID", id, 1) < 0 ||
	    setenv("ST_MODE", b->mode, 1) < 0 ||
	    setenv("ST_KEYS", x->env.data, 1) < 0 ||
	    (x->checkpoint ? setenv("ST_CHECKPOINT", x->checkpoint, 1) :
	    unsetenv("ST_CHECKPOINT")) < 0)
		_exit(126);
	if (rfd != STDIN_FILENO) {
		if (dup2(rfd, STDIN_FILENO) < 0)
			_exit(126);
		close(rfd);
	}
	execl("/bin/sh", "sh", "-c", x->command, (char *)NULL);
	_exit(127);
}

/* Writes what is gathered; after the command closed its input, drops it
 * (the command's exit status decides the batch). */
static int
drain(exec_sink *x)
{
	if (x->out.len && !x->gone &&
	    st_write_all(x->fd, x->out.data, x->out.len) < 0) {
		if (errno != EPIPE) {
			st_warn("cannot write to command '%s':", x->command);
			return -1;
		}
		x->gone = 1;
	}
	st_buf_reset(&x->out);
	return 0;
}

static int
exec_begin(st_sink *s, const st_sink_batch *b)
{
	exec_sink *x = s->self;
	int p[2];

	if (pipe(p) < 0 || fcntl(p[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(p[1], F_SETFD, FD_CLOEXEC) < 0) {
		st_warn("cannot run command '%s':", x->command);
		return -1;
	}
	/* Output st-sink has buffered must not come after the command's. */
	st_writer_flush(b->out);
	pid_t self = getpid();
	/* Signals wait until the child has reset st-sink's handlers: a
	 * SIGTERM sent to it early must not just set a stop flag. */
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid_t pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		st_warn("cannot run command '%s':", x->command);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		child(x, b, p[0], self);
	}
	close(p[0]);
	(void)setpgid(pid, pid);	/* both sides: no race with kill */
	current_child = pid;
	x->pid = pid;
	x->fd = p[1];
	x->gone = 0;
	st_buf_reset(&x->out);
	return 0;
}

static int
exec_write(st_sink *s, st_record *r)
{
	exec_sink *x = s->self;

	if (st_record_edited(r)) {
		st_record_serialize(r, &x->out);
	} else {
		st_buf_add(&x->out, r->line, r->len);
	}
	st_buf_putc(&x->out, '\n');
	return x->out.len >= BLOCK ? drain(x) : 0;
}

/* Waits for the command; 0 when it exited 0. */
static int
reap(exec_sink *x, const st_sink_batch *b)
{
	int status;

	while (waitpid(x->pid, &status, 0) < 0) {
		if (errno != EINTR) {
			st_warn("cannot wait for command '%s':", x->command);
			x->pid = 0;
			current_child = 0;
			return -1;
		}
	}
	x->pid = 0;
	current_child = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		st_warn("command '%s' exited with status %d in batch %lld; "
		    "the batch is not committed", x->command,
		    WEXITSTATUS(status), (long long)b->id);
	else
		st_warn("command '%s' was killed by signal %d in batch %lld; "
		    "the batch is not committed", x->command,
		    WTERMSIG(status), (long long)b->id);
	return -1;
}

static int
exec_end(st_sink *s, const st_sink_batch *b)
{
	exec_sink *x = s->self;
	int rc = drain(x);

	close(x->fd);
	x->fd = -1;
	/* Wait even after a write error, so no child is left behind. */
	if (reap(x, b) < 0)
		rc = -1;
	return rc;
}

static const char *
exec_describe(st_sink *s)
{
	return ((exec_sink *)s->self)->desc;
}

static void
exec_free(st_sink *s)
{
	exec_sink *x = s->self;

	/* A batch cut short (a failure upstream): the command is stopped
	 * before it sees end of input. */
	if (x->pid > 0) {
		int status;
		stop_child();
		current_child = 0;
		if (x->fd >= 0)
			close(x->fd);
		while (waitpid(x->pid, &status, 0) < 0 && errno == EINTR)
			;
	} else if (x->fd >= 0) {
		close(x->fd);
	}
	st_buf_release(&x->out);
	st_buf_release(&x->env);
	free(x->command);
	free(x->checkpoint);
	free(x->desc);
	free(x);
}

static const st_sink_vt exec_vt = {
	.format = "exec",
	/* Exactly-once only when the command uses ST_BATCH_ID. */
	.idempotent = 0,
	.begin = exec_begin,
	.write = exec_write,
	.end = exec_end,
	.describe = exec_describe,
	.free = exec_free,
};

st_sink *
st_sink_exec_new(const char *command, const char *checkpoint)
{
	static int registered;
	exec_sink *x = st_calloc(1, sizeof *x);
	st_buf_init(&x->env);
	st_buf d = ST_BUF_INIT;

	x->command = st_strdup(command);
	x->checkpoint = checkpoint ? st_strdup(checkpoint) : NULL;
	x->fd = -1;
	if (!registered) {
		atexit(stop_child);
		registered = 1;
	}
	st_buf_printf(&d, "ForeachBatchSink[%s]", command);
	x->desc = st_buf_detach(&d, NULL);
	st_sink *s = st_calloc(1, sizeof *s);
	s->vt = &exec_vt;
	s->self = x;
	return s;
}
