/*
 * cond.h - what a join matches on: equi-join keys, the event-time bound
 * between the sides, and the rest of the condition.
 *
 * --on 'ImpressionID = ClickID' (or the shorthand --on KEY[,KEY...] for
 * columns named alike on both sides) gives the keys both sides are hashed
 * on; --within 'ClickTime BETWEEN ImpressionTime AND ImpressionTime +
 * INTERVAL 15 MINUTES' gives a bound X - Y in [lo, hi] (ends included; a
 * strict < or > is the inclusive bound a microsecond tighter) between a time
 * column X of one side and Y of the other, from which the join knows when
 * a buffered row can no longer match (see st-join(1)).
 *
 * Sides of unqualified columns. st has no schemas, so a column written
 * without a side (impressions.ImpressionID, left.ImpressionID) is looked
 * up in the row: in 'A = B' a left row reads A when it has a field A,
 * else B, and a right row reads B, else A; a time column likewise.
 *
 * Ownership: the condition owns its names and parsed expressions.
 */
#ifndef ST_JOIN_COND_H
#define ST_JOIN_COND_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "value.h"

enum { ST_JSIDE_LEFT = 0, ST_JSIDE_RIGHT = 1, ST_JSIDE_ANY = -1 };

typedef struct st_jcond {
	size_t nkeys;
	char **keys[2];		/* per side: name read first (plain) */
	char **alt[2];		/* per side: name read when the row lacks
				 * keys[s][i], or NULL */
	char **raw[2];		/* per side: JSON-escaped key[s][i] */
	size_t *rawlen[2];
	int *using_;		/* key i has one name on both sides: it is
				 * written once */
	/* The time bound: tcol[0] - tcol[1] in [lo, hi]. */
	int has_bound;
	char *tcol[2];
	int tside[2];		/* ST_JSIDE_* of each time column */
	int64_t lo, hi;		/* INT64_MIN / INT64_MAX: unbounded */
	void *priv;		/* parsed expressions (cond_expr.c) */
} st_jcond;

/*
 * Builds the condition from --on and --within (either may be NULL) for
 * sides named lname and rname (NULL: "left"/"right" only). Returns 0, or
 * -1 with a message in err.
 */
int st_jcond_init(st_jcond *c, const char *on, const char *within,
    const char *lname, const char *rname, char *err, size_t errlen);
void st_jcond_release(st_jcond *c);

/* True when on is the KEY[,KEY...] shorthand (identifiers and commas). */
int st_jcond_is_shorthand(const char *on);

/* Fills k[0..nkeys) with side s's key values of a scanned row. Values
 * borrow the row's text or live in a. */
void st_jcond_keys(const st_jcond *c, int s, st_arena *a, const st_fields *f,
    st_value *k);
/* The same, and found[i] set to 1 when the row has key i's column (under
 * either of its names), for st_colcheck_found (column.h); found[i] is left
 * alone when not. */
void st_jcond_keys_found(const st_jcond *c, int s, st_arena *a,
    const st_fields *f, st_value *k, uint8_t *found);

/*
 * The event time of a row of side s: sets *role (0: the row's time is
 * tcol[0], 1: tcol[1]) and returns the time, or ST_TIME_NONE when the row
 * has no such column or it does not read as a timestamp.
 */
int64_t st_jcond_time(const st_jcond *c, int s, st_arena *a,
    const st_fields *f, int *role);

/* True when rows with times (t0 role r0) and (t1 role r1) satisfy the time
 * bound (always true without one). */
int st_jcond_time_ok(const st_jcond *c, int64_t t0, int r0, int64_t t1,
    int r1);

/* The time after which (watermark > it) no row of the other side that is
 * not late can match a row with time t of role r; INT64_MAX: never. */
int64_t st_jcond_evict_at(const st_jcond *c, int64_t t, int r);

/*
 * True when a buffered row with time t of role r goes from the state under
 * watermark wm, as Spark's state watermarks: a row whose last possible
 * partner time (st_jcond_evict_at) is before the watermark; at it too when
 * the bound is an equality of times (lo = hi, as a window end in the
 * keys: Spark's key watermark, end <= watermark). (Spark keeps a row of a
 * range bound whose end is exactly the watermark one batch longer, though
 * no row to come can match it: its state watermark is "slightly less"
 * for an inclusive bound; StreamingJoinSuite's state counts assert it.)
 */
int st_jcond_evictable(const st_jcond *c, int64_t t, int r, int64_t wm);

/*
 * The watermark the join passes downstream under input watermark wm, as
 * Spark's StreamingSymmetricHashJoinExec.produceOutputWatermark: the
 * minimum of wm and the state watermark of each role the bound limits
 * (StreamingSymmetricHashJoinHelper.getStateWatermark: a row at or before
 * it is evicted; wm + lo - 1us for rows of tcol[0], wm - hi - 1us for rows
 * of tcol[1], without the microsecond for an equality of times). Every
 * row the join emits later, null-extended ones included, is after it.
 * wm itself without a bound or when wm is ST_TIME_NONE.
 */
int64_t st_jcond_output_watermark(const st_jcond *c, int64_t wm);

/* The residual (in cond_expr.c): true when the condition has parts beyond
 * keys and the time bound that must be evaluated on each pair. */
int st_jcond_has_residual(const st_jcond *c);

/* Evaluates those parts on a pair of rows: 1 true, 0 false or null. */
int st_jcond_residual(st_jcond *c, const char *l, size_t ll,
    const st_fields *lf, const char *r, size_t rl, const st_fields *rf);

/*
 * True when a row of side s (JSON row of len bytes, scanned as f) fails a
 * part of the condition that reads its side only (Spark's leftSideOnly /
 * rightSideOnly predicates, as leftValue > 4): such a row can match no row
 * of the other side. A part reads side s only when each of its columns is
 * qualified with s, or unqualified and a field of the row.
 */
int st_jcond_side_fails(st_jcond *c, int s, const char *row, size_t len,
    const st_fields *f);

#endif
