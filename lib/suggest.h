/*
 * suggest.h - "did you mean ...?" for names the user mistyped: columns,
 * functions, types.
 */
#ifndef ST_SUGGEST_H
#define ST_SUGGEST_H

#include <stddef.h>

/*
 * Returns the candidate closest to name[0..len) by edit distance, ignoring
 * case, when it is close enough to be what the user meant (up to a third of
 * the name may differ, at least 1 and at most 3 edits), else NULL. The
 * result is one of cands[0..n) (borrowed).
 */
const char *st_suggest(const char *name, size_t len,
    const char *const *cands, size_t n);

#endif
