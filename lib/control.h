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

/* Appends the compact text of a control object, "@st" first, no newline. */
void st_ctl_serialize(json_t *obj, st_buf *b);

#endif
