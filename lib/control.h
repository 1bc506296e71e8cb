/*
 * control.h - the control lines of the st stream protocol (see st(7)).
 *
 * Between tools flow NDJSON data lines and, interleaved, control lines:
 * JSON objects whose first key is "@st". A writer always emits them
 * compact, starting with the exact bytes {"@st": so that a reader tells
 * them from data with one memcmp. Kinds:
 *
 *   {"@st":"begin","batch":3,"ts":1549360800000,"wm":"2019-02-05T10:00:00Z",
 *    "mode":"update","keys":["window","User"]}
 *       batch 3 starts. ts: the batch timestamp (ms since epoch), fixed in
 *       the source's write-ahead log so replays see the same one; wm: the
 *       watermark in force (absent or null: none); mode/keys: the output
 *       mode and key columns of the rows that follow (absent: append, no
 *       keys). Other members are kept and passed on untouched.
 *   {"@st":"source","name":"clicks"}
 *       the data lines that follow, up to the next source line or the end
 *       of the batch, come from the named source (stream-stream joins).
 *   {"@st":"end","batch":3,"progress":[{...},...]}
 *       batch 3 is complete. Each tool appends its metrics object to
 *       progress before passing the line on, so the sink sees the whole
 *       pipeline's progress for the batch.
 *
 *   {"@st":"eos"}
 *       the clean end of the stream: the last line of a stream with
 *       control lines, written by the source when it ended well and passed
 *       on by every tool only when it ended well itself. A tool whose
 *       input had control lines but ends without it fails (an upstream
 *       tool died).
 *   {"@st":"abort","tool":"st-read","message":"path 'x/' does not exist"}
 *       the stream failed: written by a failing tool instead of eos (see
 *       st_abort_init below), passed on unchanged by every tool downstream,
 *       each of which then exits 1; the sink prints the message. So the
 *       pipeline's exit status is the last tool's, without pipefail.
 *
 * Data lines starting with {"@st": are therefore reserved, and no tool
 * ever writes one: every data line goes out through st_write_data_line(),
 * which spells a leading "@st" key of a record "\u0040st" instead (the
 * same JSON object, which cannot read as a control line).
 */
#ifndef ST_CONTROL_H
#define ST_CONTROL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "io.h"

#define ST_CONTROL_PREFIX "{\"@st\":"
#define ST_CONTROL_PREFIX_LEN 7

typedef enum st_ctl_kind {
	ST_CTL_BEGIN,
	ST_CTL_END,
	ST_CTL_SOURCE,
	ST_CTL_EOS,		/* the clean end of the stream */
	ST_CTL_ABORT,		/* the stream failed upstream */
	ST_CTL_OTHER		/* an unknown kind: passed on untouched */
} st_ctl_kind;

static inline int
st_is_control(const char *line, size_t len)
{
	return len >= ST_CONTROL_PREFIX_LEN &&
	    memcmp(line, ST_CONTROL_PREFIX, ST_CONTROL_PREFIX_LEN) == 0;
}

/*
 * A parsed control line. obj holds every member (new reference owned by
 * the st_ctl); the other fields are decoded from it for convenience.
 */
typedef struct st_ctl {
	st_ctl_kind kind;
	json_t *obj;
	int64_t batch;		/* begin/end: the batch id */
} st_ctl;

/* Parses a control line. Returns 0, or -1 with a message in err (static
 * text) when it is not a well-formed control line. */
int st_ctl_parse(st_ctl *c, const char *line, size_t len, const char **err);
void st_ctl_release(st_ctl *c);

/* Builds a new begin control object for batch id with timestamp ts_ms
 * (new reference). */
json_t *st_ctl_new_begin(int64_t id, int64_t ts_ms);

/* Builds a new end control object (new reference), progress empty. */
json_t *st_ctl_new_end(int64_t id);

/* Builds a source control object (new reference). */
json_t *st_ctl_new_source(const char *name);

/*
 * Writes the data line line[0..len) (a JSON object) and a newline to w,
 * never as a control line: when the line starts with the control prefix
 * (its first key is "@st"), it is written with that key escaped as
 * "\u0040st", and a note says so once per process. Every tool writes its
 * records through here (st_emit, st_emit_raw, st-read's emitter).
 */
void st_write_data_line(st_writer *w, const char *line, size_t len);
/* Builds an eos control object (new reference). */
json_t *st_ctl_new_eos(void);

/* Builds an abort control object naming the failing tool and its message
 * (new reference). */
json_t *st_ctl_new_abort(const char *tool, const char *message);

/* Appends the compact text of a control object, "@st" first, no newline. */
void st_ctl_serialize(json_t *obj, st_buf *b);

/*
 * The failure path. st_abort_init() (called by st_common_init(), so by
 * every tool at start) arranges that a tool exiting with a non-zero status
 * (st_die(), a usage error, a failing callback, a non-zero return from
 * main) writes {"@st":"abort","tool":PROG,"message":LAST} to standard
 * output as its last line, LAST being the last message it printed
 * (st_last_message()). Nothing is written when standard output is a
 * terminal, when abort lines are disabled (a sink, whose standard output
 * is not a stream), or once st_abort_passed() said an upstream abort line
 * was passed on already. Exit status 0 (EPIPE included) writes nothing.
 */
void st_abort_init(void);
void st_abort_enable(int on);
/* The tool's buffered output (borrowed; NULL: none): what it holds is
 * written before the abort line, so that the abort line is whole and
 * last. Set it to NULL before w is released. */
void st_abort_writer(st_writer *w);
/* An abort line from upstream (tool and message, borrowed, may be NULL)
 * was passed on: write no other. */
void st_abort_passed(const char *tool, const char *message);
/* Returns 1 with the upstream abort's tool and message (borrowed, valid to
 * exit) when one was passed on, else 0: for a sink that reports failures
 * elsewhere too. */
int st_abort_upstream(const char **tool, const char **message);

/* Writes the eos line to w (sources and the runner, at a clean end). */
void st_ctl_write_eos(st_writer *w);

#endif
