/* chart.c - the live chart sink (a notebook's display() of a streaming
 * aggregate); see sink.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "err.h"
#include "fs.h"
#include "sink.h"
#include "datetime.h"

/* One point of the result table: a y value at x, in a series. */
typedef struct point {
	char *series;		/* "" without --series */
	char *xkey;		/* x as text: identity and category label */
	double x;		/* x as a number (timestamps: seconds) */
	int xkind;		/* X_NUMBER, X_TIME or X_TEXT */
	double y;
	int64_t seen;		/* order of arrival, for stable output */
} point;

enum { X_NUMBER, X_TIME, X_TEXT };

typedef struct chart_sink {
	char *path, *xcol, *ycol, *scol;
	point *pts;
	size_t n, cap;
	int64_t seen;
	int64_t batch;
	int64_t skipped;	/* rows without a numeric y or without x */
	int tty;		/* stdout is a terminal: draw there too */
	st_buf page;
	char desc[64];
} chart_sink;

/*
 * Finds column col (a dotted path: "window.start") in r and returns its
 * value as a new jansson reference, or NULL when absent. The chart sink is
 * not on a hot path, so the top-level field is decoded with jansson.
 */
static json_t *
column(st_record *r, const char *col)
{
	const char *dot = strchr(col, '.');
	size_t n = dot ? (size_t)(dot - col) : strlen(col);
	const st_field *f = st_record_get(r, col, n);

	if (f == NULL)
		return NULL;
	json_t *v = json_loadb(f->val, f->vlen, JSON_DECODE_ANY, NULL);
	while (v && dot) {
		const char *next = strchr(dot + 1, '.');
		size_t k = next ? (size_t)(next - dot - 1) : strlen(dot + 1);
		char *name = st_strndup(dot + 1, k);
		json_t *m = json_is_object(v) ? json_object_get(v, name) : NULL;
		free(name);
		json_incref(m);
		json_decref(v);
		v = m;
		dot = next;
	}
	return v;
}

/* The text of a scalar: a string's content, a number's digits. */
static void
scalar_text(json_t *v, st_buf *b)
{
	if (json_is_string(v)) {
		st_buf_add(b, json_string_value(v), json_string_length(v));
		return;
	}
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (s)
		st_buf_puts(b, s);
	free(s);
}

static point *
find_point(chart_sink *c, const char *series, const char *xkey)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->pts[i].series, series) == 0 &&
		    strcmp(c->pts[i].xkey, xkey) == 0)
			return &c->pts[i];
	return NULL;
}

static void
clear_points(chart_sink *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->pts[i].series);
		free(c->pts[i].xkey);
	}
	c->n = 0;
}

static int
chart_begin(st_sink *s, const st_sink_batch *b)
{
	chart_sink *c = s->self;

	c->batch = b->id;
	/* Complete mode sends the whole result table each batch: it replaces
	 * what is drawn. Update and append rows replace their points. */
	if (b->mode && strcmp(b->mode, "complete") == 0)
		clear_points(c);
	return 0;
}

static int
chart_write(st_sink *s, st_record *r)
{
	chart_sink *c = s->self;
	json_t *xv = column(r, c->xcol);
	json_t *yv = column(r, c->ycol);
	json_t *sv = c->scol ? column(r, c->scol) : NULL;
	st_buf xkey = ST_BUF_INIT, series = ST_BUF_INIT;

	if (xv == NULL || json_is_null(xv) || !json_is_number(yv)) {
		c->skipped++;
		goto out;
	}
	scalar_text(xv, &xkey);
	if (sv && !json_is_null(sv))
		scalar_text(sv, &series);
	else if (c->scol)
		st_buf_puts(&series, "null");

	/* An empty buffer may have no bytes at all. */
	const char *sname = series.len ? series.data : "";
	point *p = find_point(c, sname, xkey.data);
	if (p == NULL) {
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 64;
			c->pts = st_realloc(c->pts, c->cap * sizeof *c->pts);
		}
		p = &c->pts[c->n++];
		p->series = st_strdup(sname);
		p->xkey = st_strdup(xkey.data);
		p->seen = c->seen++;
		int64_t usec;
		if (json_is_number(xv)) {
			p->xkind = X_NUMBER;
			p->x = json_number_value(xv);
		} else if (json_is_string(xv) &&
		    st_parse_timestamp(json_string_value(xv),
		    json_string_length(xv), &usec) == 0) {
			p->xkind = X_TIME;
			p->x = (double)usec / 1e6;
		} else {
			p->xkind = X_TEXT;
			p->x = 0;
		}
	}
	p->y = json_number_value(yv);
out:
	json_decref(xv);
	json_decref(yv);
	json_decref(sv);
	st_buf_release(&xkey);
	st_buf_release(&series);
	return 0;
}

/* Escapes text for XML character data and attribute values. */
static void
put_xml(st_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': st_buf_puts(b, "&amp;"); break;
		case '<': st_buf_puts(b, "&lt;"); break;
		case '>': st_buf_puts(b, "&gt;"); break;
		case '"': st_buf_puts(b, "&quot;"); break;
		default:
			/* Control characters are not allowed in XML 1.0. */
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				st_buf_putc(b, '?');
			else
				st_buf_putc(b, *s);
		}
	}
}

static int
cmp_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_point(const void *a, const void *b)
{
	const point *p = *(point *const *)a, *q = *(point *const *)b;
	int c = strcmp(p->series, q->series);

	if (c)
		return c;
	if (p->xkind != X_TEXT && q->xkind != X_TEXT && p->x != q->x)
		return p->x < q->x ? -1 : 1;
	c = strcmp(p->xkey, q->xkey);
	return c ? c : (p->seen < q->seen ? -1 : p->seen > q->seen);
}

/* The series names in sorted order (borrowed strings). */
static size_t
series_list(point **v, size_t n, const char ***out)
{
	const char **names = st_malloc((n + 1) * sizeof *names);
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (k == 0 || strcmp(names[k - 1], v[i]->series) != 0)
			names[k++] = v[i]->series;
	*out = names;
	return k;
}

/* A number for a label: integers without decimals, others with 4 digits. */
static void
put_num(st_buf *b, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		st_buf_printf(b, "%.0f", v);
	else
		st_buf_printf(b, "%.4g", v);
}

static void
put_xlabel(st_buf *b, int kind, double x, const char *key)
{
	if (kind == X_TIME) {
		st_buf t = ST_BUF_INIT;
		st_format_timestamp(&t, (int64_t)llround(x * 1e6));
		put_xml(b, t.data);
		st_buf_release(&t);
	} else if (kind == X_NUMBER) {
		put_num(b, x);
	} else {
		put_xml(b, key);
	}
}

/*
 * The points themselves, as JSON inside the page ([[series, x, kind, x
 * number, y], ...]), so that a restarted sink draws what it drew before:
 * in update and append modes a batch brings only the rows it changed.
 * "<" and "&" are escaped as \u003c and \u0026, so the JSON never ends
 * the element and the page stays well-formed XML.
 */
#define POINTS_OPEN "<script type=\"application/json\" id=\"st-points\">"
#define POINTS_CLOSE "</script>"

static void
put_points(chart_sink *c, st_buf *b)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(a, json_pack("[ssifff]", c->pts[i].series,
		    c->pts[i].xkey, c->pts[i].xkind, c->pts[i].x, c->pts[i].y,
		    (double)c->pts[i].seen));
	char *t = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	st_buf_puts(b, POINTS_OPEN);
	for (const char *p = t; p && *p; p++) {
		if (*p == '<')
			st_buf_puts(b, "\\u003c");
		else if (*p == '&')
			st_buf_puts(b, "\\u0026");
		else
			st_buf_putc(b, *p);
	}
	st_buf_puts(b, POINTS_CLOSE "\n");
	free(t);
}

/* Reads the points back from an existing page (a missing or foreign file
 * starts an empty chart). */
static void
load_points(chart_sink *c)
{
	FILE *f = fopen(c->path, "r");
	st_buf b = ST_BUF_INIT;
	char chunk[8192];
	size_t n;

	if (f == NULL)
		return;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		st_buf_add(&b, chunk, n);
	fclose(f);
	const char *p = b.data ? strstr(b.data, POINTS_OPEN) : NULL;
	const char *e = p ? strstr(p, POINTS_CLOSE) : NULL;
	json_t *a = e ? json_loadb(p + strlen(POINTS_OPEN),
	    e - p - strlen(POINTS_OPEN), 0, NULL) : NULL;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		const char *series, *xkey;
		int kind;
		double x, y, seen;
		if (json_unpack(v, "[ssifff]", &series, &xkey, &kind, &x, &y,
		    &seen) != 0)
			continue;
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 64;
			c->pts = st_realloc(c->pts, c->cap * sizeof *c->pts);
		}
		point *pt = &c->pts[c->n++];
		pt->series = st_strdup(series);
		pt->xkey = st_strdup(xkey);
		pt->xkind = kind;
		pt->x = x;
		pt->y = y;
		pt->seen = (int64_t)seen;
		if (pt->seen >= c->seen)
			c->seen = pt->seen + 1;
	}
	json_decref(a);
	st_buf_release(&b);
}

static const char *const palette[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
	"#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
};

enum { W = 800, H = 400, ML = 70, MR = 160, MT = 20, MB = 50 };

/* Where the points go: the x kind of the chart, the ranges, the
 * categories of a text x (the sorted distinct x texts, placed evenly;
 * borrowed from the points) and the size of the plot area. */
typedef struct frame {
	int kind;
	double xmin, xmax, ymin, ymax;
	char **cats;
	size_t ncat;
	double pw, ph;
} frame;

static void
frame_init(frame *f, point **v, size_t n)
{
	f->kind = X_NUMBER;
	f->xmin = 0, f->xmax = 1, f->ymin = 0, f->ymax = 1;
	f->cats = st_malloc((n + 1) * sizeof *f->cats);
	f->ncat = 0;
	f->pw = W - ML - MR;
	f->ph = H - MT - MB;
	for (size_t i = 0; i < n; i++)
		if (v[i]->xkind == X_TEXT || (i && v[i]->xkind != v[0]->xkind))
			f->kind = X_TEXT;
	if (f->kind != X_TEXT && n)
		f->kind = v[0]->xkind;
	for (size_t i = 0; i < n; i++) {
		if (f->kind == X_TEXT) {
			size_t j = 0;
			while (j < f->ncat && strcmp(f->cats[j], v[i]->xkey) != 0)
				j++;
			if (j == f->ncat)
				f->cats[f->ncat++] = v[i]->xkey;
		}
		if (i == 0 || v[i]->x < f->xmin)
			f->xmin = v[i]->x;
		if (i == 0 || v[i]->x > f->xmax)
			f->xmax = v[i]->x;
		if (v[i]->y < f->ymin)
			f->ymin = v[i]->y;
		if (i == 0 || v[i]->y > f->ymax)
			f->ymax = v[i]->y;
	}
	if (f->kind == X_TEXT) {
		qsort(f->cats, f->ncat, sizeof *f->cats, cmp_text);
		f->xmin = 0;
		f->xmax = f->ncat > 1 ? (double)(f->ncat - 1) : 1;
	}
	if (f->xmax <= f->xmin)
		f->xmax = f->xmin + 1;
	if (f->ymax <= f->ymin)
		f->ymax = f->ymin + 1;
}

/* The page coordinates of x and y. */
static double
px(const frame *f, double x)
{
	return ML + (x - f->xmin) / (f->xmax - f->xmin) * f->pw;
}

static double
py(const frame *f, double y)
{
	return MT + f->ph - (y - f->ymin) / (f->ymax - f->ymin) * f->ph;
}

/* The x of a point on the chart: its number, or its category's place. */
static double
point_x(const frame *f, const point *p)
{
	size_t j = 0;

	if (f->kind != X_TEXT)
		return p->x;
	while (strcmp(f->cats[j], p->xkey) != 0)
		j++;
	return (double)j;
}

/* The page up to the chart: head, title, the batch line. */
static void
put_head(chart_sink *c, size_t n, st_buf *b)
{
	st_buf_puts(b, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\"/>\n<meta http-equiv=\"refresh\" content=\"2\"/>\n<title>");
	put_xml(b, c->ycol);
	st_buf_puts(b, " by ");
	put_xml(b, c->xcol);
	st_buf_puts(b, "</title>\n<style>body{font-family:sans-serif;margin:1em}"
	    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
	    "</style>\n</head>\n<body>\n<h1>");
	put_xml(b, c->ycol);
	st_buf_puts(b, " over ");
	put_xml(b, c->xcol);
	if (c->scol) {
		st_buf_puts(b, " per ");
		put_xml(b, c->scol);
	}
	st_buf_printf(b, "</h1>\n<p id=\"batch\">batch %lld, %zu points</p>\n",
	    (long long)c->batch, n);
}

/* Axes, four y grid lines with their values, the x range or categories
 * and the x column's name. */
static void
put_axes(chart_sink *c, const frame *f, size_t n, st_buf *b)
{
	st_buf_printf(b, "<g stroke=\"#999\" fill=\"none\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/></g>\n",
	    ML, MT, ML, H - MB, ML, H - MB, W - MR, H - MB);
	st_buf_puts(b, "<g font-size=\"11\" fill=\"#333\">\n");
	for (int g = 0; g <= 4; g++) {
		double yv = f->ymin + (f->ymax - f->ymin) * g / 4;
		st_buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
		    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", ML, py(f, yv),
		    W - MR, py(f, yv), ML - 4, py(f, yv) + 4);
		put_num(b, yv);
		st_buf_puts(b, "</text>\n");
	}
	if (f->kind == X_TEXT) {
		for (size_t j = 0; j < f->ncat; j++) {
			st_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
			    px(f, (double)j), H - MB + 16);
			put_xml(b, f->cats[j]);
			st_buf_puts(b, "</text>\n");
		}
	} else if (n) {
		st_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"start\">", ML, H - MB + 16);
		put_xlabel(b, f->kind, f->xmin, "");
		st_buf_printf(b, "</text>\n<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", W - MR, H - MB + 16);
		put_xlabel(b, f->kind, f->xmax, "");
		st_buf_puts(b, "</text>\n");
	}
	st_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", ML + (int)f->pw / 2, H - 8);
	put_xml(b, c->xcol);
	st_buf_puts(b, "</text>\n</g>\n");
}

/* Series k, the points v[0..n) (all of it): its polyline, a circle with a
 * tooltip per point, its legend entry. */
static void
put_series(chart_sink *c, const frame *f, size_t k, const char *name,
    point **v, size_t n, st_buf *b)
{
	const char *color = palette[k % (sizeof palette / sizeof *palette)];

	st_buf_puts(b, "<g class=\"series\" data-series=\"");
	put_xml(b, name);
	st_buf_printf(b, "\">\n<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", color);
	for (size_t i = 0; i < n; i++)
		st_buf_printf(b, "%s%.1f,%.1f", i ? " " : "",
		    px(f, point_x(f, v[i])), py(f, v[i]->y));
	st_buf_puts(b, "\"/>\n");
	for (size_t i = 0; i < n; i++) {
		st_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>",
		    px(f, point_x(f, v[i])), py(f, v[i]->y), color);
		put_xml(b, v[i]->xkey);
		st_buf_puts(b, ": ");
		put_num(b, v[i]->y);
		st_buf_puts(b, "</title></circle>\n");
	}
	st_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
	    "<text x=\"%d\" y=\"%d\" font-size=\"12\">", W - MR + 12, MT + 18 * (int)k, color,
	    W - MR + 30, MT + 18 * (int)k + 11);
	put_xml(b, *name ? name : c->ycol);
	st_buf_puts(b, "</text>\n</g>\n");
}

/* The table of values, one row a point. */
static void
put_table(chart_sink *c, point **v, size_t n, st_buf *b)
{
	st_buf_puts(b, "<table>\n<tr>");
	if (c->scol) {
		st_buf_puts(b, "<th>");
		put_xml(b, c->scol);
		st_buf_puts(b, "</th>");
	}
	st_buf_puts(b, "<th>");
	put_xml(b, c->xcol);
	st_buf_puts(b, "</th><th>");
	put_xml(b, c->ycol);
	st_buf_puts(b, "</th></tr>\n");
	for (size_t j = 0; j < n; j++) {
		st_buf_puts(b, "<tr>");
		if (c->scol) {
			st_buf_puts(b, "<td>");
			put_xml(b, v[j]->series);
			st_buf_puts(b, "</td>");
		}
		st_buf_puts(b, "<td>");
		put_xml(b, v[j]->xkey);
		st_buf_puts(b, "</td><td>");
		put_num(b, v[j]->y);
		st_buf_puts(b, "</td></tr>\n");
	}
	st_buf_puts(b, "</table>\n");
}

/*
 * Renders the points, sorted by series then x, as an XHTML page with an
 * inline SVG line chart (one polyline per series, a circle with a tooltip
 * per point), a legend and the table of values. The page reloads itself
 * every two seconds, so a browser shows the stream live with no server.
 */
static void
render_page(chart_sink *c, point **v, size_t n, st_buf *b)
{
	const char **names;
	size_t ns = series_list(v, n, &names);
	frame f;

	frame_init(&f, v, n);
	st_buf_reset(b);
	put_head(c, n, b);
	st_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\">\n", W, H, W, H);
	st_buf_printf(b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", W, H);
	put_axes(c, &f, n, b);
	for (size_t k = 0, i = 0; k < ns; k++) {
		size_t first = i;
		while (i < n && strcmp(v[i]->series, names[k]) == 0)
			i++;
		put_series(c, &f, k, names[k], v + first, i - first, b);
	}
	st_buf_puts(b, "</svg>\n");
	put_table(c, v, n, b);
	put_points(c, b);
	st_buf_puts(b, "</body>\n</html>\n");
	free(names);
	free(f.cats);
}

/*
 * The terminal view: one sparkline per series (its y values in x order,
 * scaled to eight block heights) and its last value, redrawn in place.
 */
static void
render_tty(chart_sink *c, point **v, size_t n, st_writer *w)
{
	static const char *const blocks[] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
	};
	st_buf b = ST_BUF_INIT;
	double ymin = 0, ymax = 0;

	for (size_t i = 0; i < n; i++) {
		if (i == 0 || v[i]->y < ymin)
			ymin = v[i]->y;
		if (i == 0 || v[i]->y > ymax)
			ymax = v[i]->y;
	}
	st_buf_puts(&b, "\033[H\033[J");
	st_buf_printf(&b, "%s over %s%s%s, batch %lld\n", c->ycol, c->xcol,
	    c->scol ? " per " : "", c->scol ? c->scol : "", (long long)c->batch);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		st_buf_printf(&b, "%-16.16s ", *v[i]->series ? v[i]->series : c->ycol);
		for (; j < n && strcmp(v[j]->series, v[i]->series) == 0; j++) {
			int k = ymax > ymin ? (int)((v[j]->y - ymin) / (ymax - ymin) * 7.999) : 3;
			st_buf_puts(&b, blocks[k < 0 ? 0 : k > 7 ? 7 : k]);
		}
		st_buf_puts(&b, " ");
		put_num(&b, v[j - 1]->y);
		st_buf_putc(&b, '\n');
		i = j;
	}
	st_writer_write(w, b.data, b.len);
	st_writer_flush(w);
	st_buf_release(&b);
}

static int
chart_end(st_sink *s, const st_sink_batch *b)
{
	chart_sink *c = s->self;
	point **v = st_malloc((c->n + 1) * sizeof *v);

	for (size_t i = 0; i < c->n; i++)
		v[i] = &c->pts[i];
	qsort(v, c->n, sizeof *v, cmp_point);
	render_page(c, v, c->n, &c->page);
	int rc = st_write_file_atomic(c->path, c->page.data, c->page.len);
	if (rc < 0)
		st_warn("cannot write '%s': %s", c->path, strerror(errno));
	else if (c->tty)
		render_tty(c, v, c->n, b->out);
	free(v);
	return rc;
}

static const char *
chart_describe(st_sink *s)
{
	return ((chart_sink *)s->self)->desc;
}

static void
chart_free(st_sink *s)
{
	chart_sink *c = s->self;

	if (c->skipped)
		st_warn("chart: %lld rows without a number in '%s' or a value "
		    "in '%s' were not drawn", (long long)c->skipped, c->ycol,
		    c->xcol);
	clear_points(c);
	free(c->pts);
	free(c->path);
	free(c->xcol);
	free(c->ycol);
	free(c->scol);
	st_buf_release(&c->page);
	free(c);
}

static const st_sink_vt chart_vt = {
	.format = "chart",
	.idempotent = 1,
	.begin = chart_begin,
	.write = chart_write,
	.end = chart_end,
	.describe = chart_describe,
	.free = chart_free,
};

st_sink *
st_sink_chart_new(const char *path, const char *x, const char *y,
    const char *series)
{
	chart_sink *c = st_calloc(1, sizeof *c);
	st_sink *s = st_malloc(sizeof *s);

	c->path = st_strdup(path);
	c->xcol = st_strdup(x);
	c->ycol = st_strdup(y);
	c->scol = series ? st_strdup(series) : NULL;
	c->tty = isatty(STDOUT_FILENO);
	snprintf(c->desc, sizeof c->desc, "ChartSink[%.50s]", path);
	load_points(c);
	s->vt = &chart_vt;
	s->self = c;
	return s;
}
