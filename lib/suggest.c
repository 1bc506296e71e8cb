/* suggest.c - see suggest.h. */
#include <ctype.h>
#include <string.h>

#include "suggest.h"

static size_t
edit_distance(const char *a, size_t an, const char *b, size_t bn)
{
	size_t row[80];

	/* Names this long are never typos worth a suggestion. */
	if (an >= 79 || bn >= 79)
		return 99;
	for (size_t j = 0; j <= bn; j++)
		row[j] = j;
	for (size_t i = 1; i <= an; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= bn; j++) {
			size_t cur = row[j];
			int same = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]);
			size_t v = prev + !same;
			if (row[j] + 1 < v)
				v = row[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			prev = cur;
		}
	}
	return row[bn];
}

const char *
st_suggest(const char *name, size_t len, const char *const *cands,
    size_t n)
{
	const char *best = NULL;
	/* Up to a third of the name may differ (at least 1, at most 3). */
	size_t limit = len / 3 + 1, bd;
	if (limit > 3)
		limit = 3;
	bd = limit + 1;
	for (size_t i = 0; i < n; i++) {
		size_t cl = strlen(cands[i]);
		size_t d = edit_distance(name, len, cands[i], cl);
		/* A prefix match (eventtype vs event_type_id) counts too. */
		if (d < bd) {
			bd = d;
			best = cands[i];
		}
	}
	return best;
}
