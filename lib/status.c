/* status.c - see status.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "err.h"
#include "op.h"
#include "status.h"
#include "datetime.h"

int
st_status_is_checkpoint(const char *dir)
{
	st_buf b = ST_BUF_INIT;

	st_buf_printf(&b, "%s/%s", dir, ST_CKPT_METADATA);
	int rc = access(b.data, F_OK) == 0;
	st_buf_release(&b);
	return rc;
}

/*
 * Whether a run holds the lock: a shared lock cannot be had while st-read
 * holds its exclusive one. The pid is what st-read wrote in the file.
 */
static void
read_lock(st_status *s, st_ckpt *c)
{
	st_buf b = ST_BUF_INIT;
	int fd = open(st_ckpt_path(c, ST_CKPT_LOCK, &b), O_RDONLY | O_CLOEXEC);

	st_buf_release(&b);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
		s->running = errno == EWOULDBLOCK;
		char text[32] = { 0 };
		if (s->running && read(fd, text, sizeof text - 1) > 0)
			s->pid = strtol(text, NULL, 10);
	}
	close(fd);
}

int
st_status_read(st_status *s, const char *dir, int recent)
{
	st_ckpt c = { 0 };
	st_buf p = ST_BUF_INIT;
	int64_t *v = NULL;
	size_t n = 0;

	memset(s, 0, sizeof *s);
	s->dir = st_strdup(dir);
	s->last_commit = s->last_planned = -1;
	s->recent = json_array();
	if (!st_status_is_checkpoint(dir)) {
		st_warn("'%s' is not a checkpoint (it has no metadata file)",
		    dir);
		return -1;
	}
	/* st_ckpt_open would create what is missing: fill the handle by
	 * hand, read-only. */
	c.dir = s->dir;
	c.lockfd = -1;
	json_t *m = NULL;
	if (st_ckpt_read_json(&c, ST_CKPT_METADATA, &m) < 0)
		return -1;
	const char *id = json_string_value(json_object_get(m, "id"));
	snprintf(s->id, sizeof s->id, "%s", id ? id : "");
	json_decref(m);
	read_lock(s, &c);
	s->last_commit = st_ckpt_last_commit(&c);
	s->last_planned = st_ckpt_last_offsets(&c);
	if (st_ckpt_versions(&c, ST_CKPT_PROGRESS, &v, &n) == 0) {
		if (recent < 1)
			recent = 1;
		for (size_t i = n > (size_t)recent ? n - recent : 0; i < n; i++) {
			json_t *r = NULL;
			if (st_ckpt_read_json(&c,
			    st_ckpt_progress_path(&p, v[i]), &r) > 0)
				json_array_append_new(s->recent, r);
		}
		free(v);
	}
	if (st_ckpt_read_json(&c, ST_CKPT_FAILURE, &s->failure) < 0)
		s->failure = NULL;
	/* A failure older than the last commit was recovered from. */
	if (s->failure && json_integer_value(json_object_get(s->failure,
	    "batch")) <= s->last_commit && json_object_get(s->failure, "batch")
	    && !json_is_null(json_object_get(s->failure, "batch"))) {
		json_decref(s->failure);
		s->failure = NULL;
	}
	st_buf_release(&p);
	if (s->running)
		s->message = s->last_planned > s->last_commit ?
		    "Processing new data" : "Waiting for data to arrive";
	else if (s->failure)
		s->message = "Failed";
	else
		s->message = "Stopped";
	return 0;
}

void
st_status_release(st_status *s)
{
	free(s->dir);
	json_decref(s->recent);
	json_decref(s->failure);
	memset(s, 0, sizeof *s);
}

json_t *
st_status_last(const st_status *s)
{
	size_t n = json_array_size(s->recent);

	return n ? json_array_get(s->recent, n - 1) : NULL;
}

static const char *
or_else(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static const char *
name_of(const st_status *s)
{
	const char *n = json_string_value(json_object_get(st_status_last(s),
	    "name"));

	return n ? n : s->id;
}

static int64_t
jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The lag: what the sources have not read yet, after the last batch
 * (files or partitions, bytes, records: Kafka offsets; -1 when no source
 * counts records). */
static void
backlog(json_t *p, int64_t *files, int64_t *bytes, int64_t *records)
{
	size_t i;
	json_t *src;

	*files = *bytes = 0;
	*records = -1;
	json_array_foreach(json_object_get(p, "sources"), i, src) {
		json_t *bl = json_object_get(src, "backlog");
		*files += jint(bl, "files");
		if (jint(bl, "bytes") > 0)
			*bytes += jint(bl, "bytes");
		if (json_is_integer(json_object_get(bl, "records")))
			*records = (*records < 0 ? 0 : *records) +
			    jint(bl, "records");
	}
}

/* One line per tool of the last batch. */
static void
tool_lines(json_t *p, st_buf *out)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(p, "progress"), i, e) {
		const char *tool = json_string_value(json_object_get(e, "name"));
		st_buf_printf(out, "    %-14s", tool ? tool : "?");
		const char *sep = " ";
#define PART(...) do { st_buf_puts(out, sep); st_buf_printf(out, __VA_ARGS__); sep = ", "; } while (0)
		if (json_object_get(e, "numInputRows"))
			PART("%lld in", (long long)jint(e, "numInputRows"));
		if (json_object_get(e, "numOutputRows"))
			PART("%lld out", (long long)jint(e, "numOutputRows"));
		json_t *et = json_object_get(e, "eventTime");
		if (json_string_value(json_object_get(et, "watermark")))
			PART("watermark %s", json_string_value(
			    json_object_get(et, "watermark")));
		if (json_object_get(e, "stateRows"))
			PART("%lld state rows (%lld updated, %lld removed)",
			    (long long)jint(e, "stateRows"),
			    (long long)jint(e, "stateRowsUpdated"),
			    (long long)jint(e, "stateRowsRemoved"));
		if (jint(e, "numRowsDroppedByWatermark"))
			PART("%lld late rows dropped",
			    (long long)jint(e, "numRowsDroppedByWatermark"));
#undef PART
		json_t *sink = json_object_get(e, "sink");
		if (json_string_value(json_object_get(sink, "description")))
			st_buf_printf(out, " (%s)", json_string_value(
			    json_object_get(sink, "description")));
		size_t j;
		json_t *src;
		json_array_foreach(json_object_get(e, "sources"), j, src)
			st_buf_printf(out, " (%s)", json_string_value(
			    json_object_get(src, "description")));
		st_buf_putc(out, '\n');
	}
}

void
st_status_text(const st_status *s, st_buf *out)
{
	json_t *p = st_status_last(s);

	st_buf_printf(out, "%s: %s", name_of(s), s->message);
	if (s->failure) {
		st_buf_printf(out, ": %s: %s",
		    or_else(json_string_value(json_object_get(s->failure,
		    "tool")), "?"), or_else(json_string_value(json_object_get(
		    s->failure, "message")), ""));
	}
	st_buf_putc(out, '\n');
	st_buf_printf(out, "  checkpoint   %s\n  query id     %s\n", s->dir, s->id);
	if (s->running && s->pid)
		st_buf_printf(out, "  running      yes, pid %ld holds the "
		    "checkpoint\n", s->pid);
	else
		st_buf_printf(out, "  running      %s\n", s->running ? "yes" : "no");
	st_buf_puts(out, "  batches      last committed ");
	if (s->last_commit >= 0)
		st_buf_printf(out, "%lld", (long long)s->last_commit);
	else
		st_buf_puts(out, "none");
	st_buf_puts(out, ", last planned ");
	if (s->last_planned >= 0)
		st_buf_printf(out, "%lld\n", (long long)s->last_planned);
	else
		st_buf_puts(out, "none\n");
	if (p == NULL) {
		st_buf_puts(out, "  no batch has completed yet\n");
		return;
	}
	json_t *d = json_object_get(p, "durationMs");
	st_buf_printf(out, "  last batch   %lld at %s: %lld rows in, %lld "
	    "out, %lld ms\n", (long long)jint(p, "batchId"),
	    or_else(json_string_value(json_object_get(p, "timestamp")), "?"),
	    (long long)jint(p, "numInputRows"),
	    (long long)jint(json_object_get(p, "sink"), "numOutputRows"),
	    (long long)jint(d, "triggerExecution"));
	tool_lines(p, out);
	int64_t files, bytes, recs;
	backlog(p, &files, &bytes, &recs);
	if (recs >= 0) {
		st_buf_printf(out, "  lag          %lld offset%s behind the "
		    "ends of %lld partition%s", (long long)recs,
		    recs == 1 ? "" : "s", (long long)files,
		    files == 1 ? "" : "s");
	} else {
		st_buf_printf(out, "  lag          %lld file%s, ",
		    (long long)files, files == 1 ? "" : "s");
		st_buf_put_size(out, bytes);
		st_buf_puts(out, " not yet read");
	}
	if (s->last_planned > s->last_commit && s->last_commit >= -1)
		st_buf_printf(out, "; %lld batch%s planned, not committed",
		    (long long)(s->last_planned - s->last_commit),
		    s->last_planned - s->last_commit == 1 ? "" : "es");
	st_buf_putc(out, '\n');
	size_t n = json_array_size(s->recent);
	if (n > 1) {
		st_buf_puts(out, "  recent       batch  rows in  rows out  ms\n");
		size_t i;
		json_t *r;
		json_array_foreach(s->recent, i, r)
			st_buf_printf(out, "               %5lld  %7lld  %8lld  "
			    "%lld\n", (long long)jint(r, "batchId"),
			    (long long)jint(r, "numInputRows"),
			    (long long)jint(json_object_get(r, "sink"),
			    "numOutputRows"), (long long)jint(json_object_get(r,
			    "durationMs"), "triggerExecution"));
	}
}

json_t *
st_status_json(const st_status *s)
{
	json_t *o = json_object();
	json_t *p = st_status_last(s);

	json_object_set_new(o, "id", json_string(s->id));
	json_t *nm = json_object_get(st_status_last(s), "name");
	json_object_set(o, "name", nm ? nm : json_null());
	json_object_set_new(o, "checkpoint", json_string(s->dir));
	/* Spark's StreamingQueryStatus. */
	json_object_set_new(o, "status", json_pack("{sssbsb}", "message",
	    s->message, "isDataAvailable", s->last_planned > s->last_commit,
	    "isTriggerActive", s->running && s->last_planned > s->last_commit));
	json_object_set_new(o, "running", json_boolean(s->running));
	json_object_set_new(o, "pid", s->pid ? json_integer(s->pid) :
	    json_null());
	json_object_set_new(o, "lastCommittedBatch", s->last_commit >= 0 ?
	    json_integer(s->last_commit) : json_null());
	json_object_set_new(o, "lastPlannedBatch", s->last_planned >= 0 ?
	    json_integer(s->last_planned) : json_null());
	json_object_set(o, "failure", s->failure ? s->failure : json_null());
	int64_t files = 0, bytes = 0, recs = -1;
	backlog(p, &files, &bytes, &recs);
	json_object_set_new(o, "lag", json_pack("{sIsIsI}", "files",
	    (json_int_t)files, "bytes", (json_int_t)bytes, "batches",
	    (json_int_t)(s->last_planned > s->last_commit ?
	    s->last_planned - s->last_commit : 0)));
	if (recs >= 0)
		json_object_set_new(json_object_get(o, "lag"), "records",
		    json_integer(recs));
	json_object_set(o, "lastProgress", p ? p : json_null());
	json_object_set(o, "recentProgress", s->recent);
	return o;
}

/* ---- Prometheus ---------------------------------------------------- */

/* A label value, escaped as the exposition format says (\\, \", \n). */
static void
put_label(st_buf *b, const char *v)
{
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '"')
			st_buf_putc(b, '\\');
		if (*v == '\n') {
			st_buf_puts(b, "\\n");
			continue;
		}
		st_buf_putc(b, *v);
	}
}

static void
family(st_buf *b, const char *name, const char *type, const char *help)
{
	st_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
sample(st_buf *b, const char *name, const st_metrics_query *q,
    const char *tool, double v)
{
	st_buf_printf(b, "%s{query=\"", name);
	put_label(b, q->query);
	st_buf_puts(b, "\",checkpoint=\"");
	put_label(b, q->checkpoint);
	if (tool) {
		st_buf_puts(b, "\",tool=\"");
		put_label(b, tool);
	}
	if (v == (double)(int64_t)v)
		st_buf_printf(b, "\"} %lld\n", (long long)v);
	else
		st_buf_printf(b, "\"} %.17g\n", v);
}

/* Event-time max minus the watermark, in seconds (NAN: unknown). */
static double
watermark_delay(json_t *p)
{
	json_t *et = json_object_get(p, "eventTime");
	const char *max = json_string_value(json_object_get(et, "max"));
	const char *wm = json_string_value(json_object_get(et, "watermark"));
	int64_t a, b;

	if (max == NULL || wm == NULL ||
	    st_parse_timestamp(max, strlen(max), &a) < 0 ||
	    st_parse_timestamp(wm, strlen(wm), &b) < 0)
		return NAN;
	return (a - b) / 1e6;
}

void
st_metrics_prometheus(st_buf *b, const st_metrics_query *q, size_t n)
{
	family(b, "st_up", "gauge", "1 when a run holds the checkpoint");
	for (size_t i = 0; i < n; i++)
		sample(b, "st_up", &q[i], NULL, q[i].running);
	family(b, "st_last_committed_batch", "gauge",
	    "the id of the last batch committed (-1: none)");
	for (size_t i = 0; i < n; i++)
		sample(b, "st_last_committed_batch", &q[i], NULL,
		    (double)q[i].last_commit);

	static const struct {
		const char *name, *help, *member;
	} gauges[] = {
		{ "st_batch_input_rows", "rows read in the last batch",
		    "numInputRows" },
		{ "st_input_rows_per_second", "input rate of the last batch",
		    "inputRowsPerSecond" },
		{ "st_processed_rows_per_second",
		    "processing rate of the last batch",
		    "processedRowsPerSecond" },
	};
	for (size_t g = 0; g < sizeof gauges / sizeof *gauges; g++) {
		family(b, gauges[g].name, "gauge", gauges[g].help);
		for (size_t i = 0; i < n; i++)
			if (q[i].progress)
				sample(b, gauges[g].name, &q[i], NULL,
				    json_number_value(json_object_get(
				    q[i].progress, gauges[g].member)));
	}
	family(b, "st_batch_output_rows", "gauge",
	    "rows the sink wrote in the last batch");
	for (size_t i = 0; i < n; i++)
		if (q[i].progress)
			sample(b, "st_batch_output_rows", &q[i], NULL,
			    (double)jint(json_object_get(q[i].progress, "sink"),
			    "numOutputRows"));
	family(b, "st_batch_duration_seconds", "gauge",
	    "time from planning the last batch to its commit");
	for (size_t i = 0; i < n; i++)
		if (q[i].progress)
			sample(b, "st_batch_duration_seconds", &q[i], NULL,
			    jint(json_object_get(q[i].progress, "durationMs"),
			    "triggerExecution") / 1000.0);
	family(b, "st_watermark_delay_seconds", "gauge",
	    "the latest event time seen minus the watermark");
	for (size_t i = 0; i < n; i++)
		if (q[i].progress && !isnan(watermark_delay(q[i].progress)))
			sample(b, "st_watermark_delay_seconds", &q[i], NULL,
			    watermark_delay(q[i].progress));

	static const struct {
		const char *name, *help, *member;
	} state[] = {
		{ "st_state_rows", "rows in a stateful tool's state",
		    "numRowsTotal" },
		{ "st_state_memory_bytes", "memory used by a tool's state",
		    "memoryUsedBytes" },
		{ "st_state_rows_dropped_by_watermark",
		    "rows too late for the watermark in the last batch",
		    "numRowsDroppedByWatermark" },
	};
	for (size_t g = 0; g < sizeof state / sizeof *state; g++) {
		family(b, state[g].name, "gauge", state[g].help);
		for (size_t i = 0; i < n; i++) {
			size_t k;
			json_t *op;
			json_array_foreach(json_object_get(q[i].progress,
			    "stateOperators"), k, op)
				if (json_object_get(op, state[g].member))
					sample(b, state[g].name, &q[i],
					    json_string_value(json_object_get(
					    op, "tool")), (double)jint(op,
					    state[g].member));
		}
	}
	static const struct {
		const char *name, *help;
	} lag[] = {
		{ "st_backlog_files", "input files not yet read" },
		{ "st_backlog_records", "input records (Kafka offsets) not yet read" },
		{ "st_backlog_bytes", "input bytes not yet read" },
	};
	for (size_t g = 0; g < sizeof lag / sizeof *lag; g++) {
		family(b, lag[g].name, "gauge", lag[g].help);
		for (size_t i = 0; i < n; i++) {
			int64_t v[3];
			if (q[i].progress == NULL)
				continue;
			backlog(q[i].progress, &v[0], &v[2], &v[1]);
			/* Records only where a source counts them. */
			if (v[g] >= 0)
				sample(b, lag[g].name, &q[i], NULL, (double)v[g]);
		}
	}
}

/* ---- --check ------------------------------------------------------- */

/* Parses every numbered file of dir as JSON; returns their ids. */
static int
check_json_dir(st_ckpt *c, const char *dir, st_buf *out, int64_t **ids,
    size_t *n)
{
	st_buf p = ST_BUF_INIT;
	int bad = 0;

	*ids = NULL;
	*n = 0;
	if (!st_ckpt_exists(c, dir))
		return 0;
	if (st_ckpt_versions(c, dir, ids, n) < 0) {
		st_buf_printf(out, "%s/%s: cannot be listed: %s\n", c->dir, dir,
		    strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < *n; i++) {
		st_buf_reset(&p);
		st_buf_printf(&p, "%s/%lld", dir, (long long)(*ids)[i]);
		st_buf raw = ST_BUF_INIT;
		json_error_t je;
		json_t *v = NULL;
		int rc = st_ckpt_read(c, p.data, &raw);
		if (rc < 0 && errno == EBADMSG)
			st_buf_printf(out, "%s/%s: damaged: %s\n", c->dir, p.data,
			    c->why ? c->why : "?");
		else if (rc < 0)
			st_buf_printf(out, "%s/%s: cannot be read: %s\n", c->dir,
			    p.data, strerror(errno));
		else if ((v = json_loadb(raw.data, raw.len, 0,
		    &je)) == NULL)
			st_buf_printf(out, "%s/%s: not valid JSON (%s)\n", c->dir,
			    p.data, je.text);
		bad += v == NULL;
		json_decref(v);
		st_buf_release(&raw);
	}
	for (size_t i = 1; i < *n; i++)
		if ((*ids)[i] == (*ids)[i - 1] + 2) {
			st_buf_printf(out, "%s/%s/%lld: missing (a gap)\n",
			    c->dir, dir, (long long)(*ids)[i - 1] + 1);
			bad++;
		} else if ((*ids)[i] != (*ids)[i - 1] + 1) {
			st_buf_printf(out, "%s/%s: batches %lld to %lld are "
			    "missing (a gap)\n", c->dir, dir,
			    (long long)(*ids)[i - 1] + 1,
			    (long long)(*ids)[i] - 1);
			bad++;
		}
	st_buf_release(&p);
	return bad;
}

static int
has_id(const int64_t *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return 1;
	return 0;
}

int
st_status_check(const char *dir, st_buf *out)
{
	st_ckpt c = { .dir = (char *)dir, .lockfd = -1 };
	int64_t *off, *com, *prog;
	size_t noff, ncom, nprog;
	int bad = 0;

	if (!st_status_is_checkpoint(dir)) {
		st_buf_printf(out, "%s: not a checkpoint (no metadata file)\n",
		    dir);
		return 1;
	}
	json_t *m = NULL;
	if (st_ckpt_read_json(&c, ST_CKPT_METADATA, &m) <= 0 ||
	    !json_is_string(json_object_get(m, "id"))) {
		st_buf_printf(out, "%s/metadata: no query id\n", dir);
		bad++;
	}
	json_decref(m);
	bad += check_json_dir(&c, ST_CKPT_OFFSETS, out, &off, &noff);
	bad += check_json_dir(&c, ST_CKPT_COMMITS, out, &com, &ncom);
	bad += check_json_dir(&c, ST_CKPT_PROGRESS, out, &prog, &nprog);
	/* Every commit but the oldest retained has its offsets (st-read
	 * prunes offsets a little behind the commits). */
	for (size_t i = 1; i < ncom && noff; i++)
		if (com[i] >= off[0] && !has_id(off, noff, com[i])) {
			st_buf_printf(out, "%s/offsets/%lld: missing, but batch "
			    "%lld is committed\n", dir, (long long)com[i],
			    (long long)com[i]);
			bad++;
		}
	if (ncom && noff && com[ncom - 1] > off[noff - 1]) {
		st_buf_printf(out, "%s/commits/%lld: committed, but the offsets "
		    "log ends at %lld\n", dir, (long long)com[ncom - 1],
		    (long long)off[noff - 1]);
		bad++;
	}
	/* Each stateful tool saved its state for the last commit. */
	int64_t last = ncom ? com[ncom - 1] : -1;
	st_buf p = ST_BUF_INIT;
	st_buf_printf(&p, "%s/%s", dir, ST_CKPT_STATE);
	DIR *d = last >= 0 ? opendir(p.data) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		st_buf_reset(&p);
		st_buf_printf(&p, "%s/%s/%lld", ST_CKPT_STATE, de->d_name,
		    (long long)last);
		if (!st_ckpt_exists(&c, p.data)) {
			st_buf_printf(out, "%s/%s: missing, but batch %lld is "
			    "committed\n", dir, p.data, (long long)last);
			bad++;
		}
		st_buf_reset(&p);
		st_buf_printf(&p, "%s/%s/query", ST_CKPT_STATE, de->d_name);
		if (!st_ckpt_exists(&c, p.data)) {
			st_buf_printf(out, "%s/%s: missing (the query this tool "
			    "was started with)\n", dir, p.data);
			bad++;
		}
	}
	if (d)
		closedir(d);
	st_buf_release(&p);
	free(off);
	free(com);
	free(prog);
	return bad;
}

/* ---- st-status ----------------------------------------------------- */

/* The checkpoints o->dirs names, in order (new array of new strings). */
static char **
checkpoints(const st_status_opts *o, int *rc)
{
	char **v = NULL;
	size_t n = 0, cap = 0;

	for (char *const *d = o->dirs; *d; d++) {
		if (st_status_is_checkpoint(*d)) {
			if (n + 2 > cap)
				v = st_realloc(v, (cap = 2 * cap + 8) * sizeof *v);
			v[n++] = st_strdup(*d);
			continue;
		}
		/* A parent: the checkpoints directly in it, sorted. */
		struct dirent **names;
		int k = scandir(*d, &names, NULL, alphasort);
		if (k < 0) {
			st_warn("cannot read '%s':", *d);
			*rc = 1;
			continue;
		}
		size_t found = 0;
		for (int i = 0; i < k; i++) {
			st_buf b = ST_BUF_INIT;
			st_buf_printf(&b, "%s/%s", *d, names[i]->d_name);
			if (names[i]->d_name[0] != '.' &&
			    st_status_is_checkpoint(b.data)) {
				if (n + 2 > cap)
					v = st_realloc(v, (cap = 2 * cap + 8) *
					    sizeof *v);
				v[n++] = st_buf_detach(&b, NULL);
				found++;
			}
			st_buf_release(&b);
			free(names[i]);
		}
		free(names);
		if (found == 0) {
			st_warn("'%s' is not a checkpoint and holds none", *d);
			*rc = 1;
		}
	}
	if (v == NULL)
		v = st_calloc(1, sizeof *v);
	v[n] = NULL;
	return v;
}

static int
print_once(const st_status_opts *o, st_buf *out)
{
	int rc = 0;
	char **dirs = checkpoints(o, &rc);
	size_t n = 0;

	while (dirs[n])
		n++;
	st_status *st = st_calloc(n + 1, sizeof *st);
	st_metrics_query *mq = st_calloc(n + 1, sizeof *mq);
	json_t *arr = json_array();
	size_t ok = 0;
	for (size_t i = 0; i < n; i++) {
		if (o->check) {
			st_buf report = ST_BUF_INIT;
			int bad = st_status_check(dirs[i], &report);
			if (bad) {
				st_buf_printf(out, "%s: damaged, %d problem%s:\n%s",
				    dirs[i], bad, bad == 1 ? "" : "s",
				    report.data);
				rc = 1;
			} else {
				st_buf_printf(out, "%s: intact\n", dirs[i]);
			}
			st_buf_release(&report);
			continue;
		}
		if (st_status_read(&st[ok], dirs[i], o->recent) < 0) {
			st_status_release(&st[ok]);
			rc = 1;
			continue;
		}
		ok++;
	}
	for (size_t i = 0; i < ok && !o->check; i++) {
		if (o->prometheus) {
			mq[i].query = name_of(&st[i]);
			mq[i].checkpoint = st[i].dir;
			mq[i].running = st[i].running;
			mq[i].last_commit = st[i].last_commit;
			mq[i].progress = st_status_last(&st[i]);
		} else if (o->json) {
			json_array_append_new(arr, st_status_json(&st[i]));
		} else {
			if (i)
				st_buf_putc(out, '\n');
			st_status_text(&st[i], out);
		}
	}
	if (o->prometheus && !o->check)
		st_metrics_prometheus(out, mq, ok);
	if (o->json && !o->check) {
		/* One checkpoint: its object; several: an array. */
		json_t *v = n == 1 && ok == 1 ? json_array_get(arr, 0) : arr;
		char *t = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (t)
			st_buf_printf(out, "%s\n", t);
		free(t);
	}
	json_decref(arr);
	for (size_t i = 0; i < ok; i++)
		st_status_release(&st[i]);
	free(st);
	free(mq);
	st_strs_free(dirs, n);
	return rc;
}

void
st_status_opts_check(const st_status_opts *o)
{
	if (o->dirs == NULL || o->dirs[0] == NULL)
		st_usage_error("no checkpoint directory given");
	if (o->json && o->prometheus)
		st_usage_error("--json and --prometheus exclude each other");
	if (o->check && (o->json || o->prometheus || o->watch_usec))
		st_usage_error("--check goes alone");
}

int
st_status_run(const st_status_opts *o)
{
	st_buf out = ST_BUF_INIT;
	int tty = isatty(STDOUT_FILENO);
	int rc;

	st_signals_init();
	for (;;) {
		st_buf_reset(&out);
		/* --watch on a terminal redraws in place. */
		if (o->watch_usec && tty)
			st_buf_puts(&out, "\033[H\033[J");
		rc = print_once(o, &out);
		if (fwrite(out.data, 1, out.len, stdout) != out.len ||
		    fflush(stdout) != 0) {
			rc = errno == EPIPE ? 0 : 1;
			break;
		}
		if (o->watch_usec == 0 || st_stop_requested())
			break;
		/* A signal cuts the sleep short (the handler has no
		 * SA_RESTART), so ^C stops at once. */
		struct timespec ts = { o->watch_usec / 1000000,
		    (o->watch_usec % 1000000) * 1000 };
		nanosleep(&ts, NULL);
		if (st_stop_requested())
			break;
	}
	st_buf_release(&out);
	return rc;
}
