/*
 * hook.h - commands run on events of a pipeline (Spark's
 * StreamingQueryListener, from the shell): st-sink --on-progress and
 * --on-failure.
 *
 * A hook is `sh -c CMD` with the event's JSON on its standard input (from
 * an unlinked temporary file, so a hook that does not read it never blocks
 * anyone). It runs in the background: the pipeline never waits for it
 * while it runs, except at exit, and then at most the timeout. A hook
 * still running after the timeout is killed; a hook that fails or is
 * killed is reported on standard error and changes nothing else. At most
 * ST_HOOK_MAX run at once; an event beyond that is skipped, and said so.
 *
 * Ownership: st_hooks owns its children; st_hooks_release() waits for them
 * (up to the timeout) and kills what is left.
 */
#ifndef ST_HOOK_H
#define ST_HOOK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ST_HOOK_MAX 8

typedef struct st_hooks {
	int64_t timeout_usec;		/* default 10 s */
	pid_t pid[ST_HOOK_MAX];
	int64_t started[ST_HOOK_MAX];	/* mono usec */
	const char *what[ST_HOOK_MAX];	/* "--on-progress", for messages */
} st_hooks;

void st_hooks_init(st_hooks *h, int64_t timeout_usec);

/* Starts CMD (borrowed) with the len bytes of data on its standard input
 * and the NULL-terminated "NAME=value" strings of env added to its
 * environment. what names the hook in messages. Reaps finished hooks and
 * kills overdue ones first. */
void st_hook_fire(st_hooks *h, const char *what, const char *cmd,
    const char *data, size_t len, char *const *env);

/* Reaps finished hooks and kills overdue ones, without waiting. */
void st_hooks_poll(st_hooks *h);

/* Waits for running hooks up to their timeout, kills the rest. */
void st_hooks_release(st_hooks *h);

#endif
