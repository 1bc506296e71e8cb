/*
 * linefile.h - the append-only side files: the dead-letter files of
 * st-read and of every tool (--dead-letter), and the late-output files of
 * the stateful operators (--late-output). One module writes them all.
 *
 * A file is opened for appending and each line goes out in one write(2),
 * so that lines stay whole. A write or close that fails is a data error
 * (exit 1) naming the file.
 *
 *     st_linefile f = ST_LINEFILE_INIT;
 *     st_linefile_open(&f, path);	// NULL: no file, writes are no-ops
 *     st_linefile_line(&f, text, len);
 *     st_linefile_close(&f);
 *
 * Exactly once. With a checkpoint, the owner of side files calls
 * st_linefile_batch() as each batch begins. The first time batch N runs,
 * the files' lengths are recorded in the checkpoint (DIR/sides/OWNER/N);
 * when N runs again (a replay after a crash), each file is first cut back
 * to its recorded length, so that the replay appends the very lines the
 * first run appended, once. A side file must therefore belong to one tool
 * (two tools appending to one file cut each other's lines).
 */
#ifndef ST_LINEFILE_H
#define ST_LINEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "checkpoint.h"
#include "record.h"

typedef struct st_linefile {
	const char *path;	/* borrowed; NULL: no file */
	int fd;			/* -1: no file */
	st_buf line;		/* the line being written */
} st_linefile;

#define ST_LINEFILE_INIT { NULL, -1, ST_BUF_INIT }

/* Opens path (borrowed: it must outlive f) for appending, creating it;
 * with path NULL there is no file and f writes nothing. Dies with exit 1
 * when the file cannot be opened. */
void st_linefile_open(st_linefile *f, const char *path);

/* True when f has a file. */
static inline int
st_linefile_is_open(const st_linefile *f)
{
	return f->fd >= 0;
}

/* Appends the line of len bytes (without its newline; borrowed) and a
 * newline. */
void st_linefile_line(st_linefile *f, const char *line, size_t len);

/* Appends record r (borrowed) as it stands now, serialized. */
void st_linefile_record(st_linefile *f, st_record *r);

/* Closes the file, dying when the close reports a failed write, and
 * releases f; f is then as ST_LINEFILE_INIT left it. */
void st_linefile_close(st_linefile *f);

/*
 * Batch id of owner (a tool's corner name, such as "st-read" or
 * "st-window.w1") begins, with the n side files v (borrowed; those not
 * open are skipped): records their lengths the first time, cuts them back
 * to the recorded lengths on a replay (see above). Records of batches the
 * sink has committed are pruned. Returns 0, or -1 after saying why.
 */
int st_linefile_batch(st_ckpt *c, const char *owner, int64_t id,
    st_linefile *const *v, size_t n);

#endif
