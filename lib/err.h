/*
 * err.h - messages and exit codes shared by every st tool.
 *
 * Every message an st tool prints starts with the program's name, is
 * lowercase, and quotes its subject:
 *
 *     st-join: cannot open 'x.csv': No such file or directory
 *
 * The format strings follow sbase's eprintf convention: a format that ends
 * in ':' gets ": " and strerror(errno) appended, so callers never build
 * errno text by hand.
 *
 * Exit codes are the same for the whole toolkit: ST_EXIT_OK (0) on success,
 * ST_EXIT_DATA (1) for runtime and data errors, ST_EXIT_USAGE (2) for a bad
 * command line.
 */
#ifndef ST_ERR_H
#define ST_ERR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdnoreturn.h>

enum {
	ST_EXIT_OK = 0,
	ST_EXIT_DATA = 1,
	ST_EXIT_USAGE = 2
};

/* Sets the name used as the message prefix (normally from argv[0]; the
 * directory part is dropped). The string is borrowed and must outlive all
 * later calls. */
void st_setprogname(const char *argv0);

/* Returns the program name set by st_setprogname(), or "st". Borrowed. */
const char *st_progname(void);

/* Prints "prog: message\n" on stderr (with strerror appended when fmt ends
 * in ':'). Returns nothing and never exits. */
void st_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void st_vwarn(const char *fmt, va_list ap);

/* The last message st_warn() printed, without the "prog: " prefix and
 * the newline ("" before the first). Borrowed, valid until the next
 * message. The abort line of a failing tool carries it (control.h). */
const char *st_last_message(void);

/* Prints like st_warn() and exits with status code. */
noreturn void st_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints like st_warn(), adds "try 'prog --help'" and exits 2. */
noreturn void st_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Allocation that never returns NULL: on failure the program dies with
 * "out of memory" and status 1. */
void *st_malloc(size_t n);
void *st_calloc(size_t n, size_t size);
void *st_realloc(void *p, size_t n);
char *st_strdup(const char *s);
char *st_strndup(const char *s, size_t n);
/* Frees the n strings of v, then v (which may be NULL when n is 0). */
void st_strs_free(char **v, size_t n);

#endif
