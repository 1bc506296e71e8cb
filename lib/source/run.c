/* run.c - the source loop behind st-read; see run.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "control.h"
#include "err.h"
#include "run.h"
#include "datetime.h"

/* Offsets of this many batches are kept behind the last done one, for
 * st-status and post-mortems (Spark's minBatchesToRetain). */
#define KEEP_OFFSETS 100
/* The seen set is compacted every this many batches. */
#define COMPACT_EVERY 10

typedef struct pending {
	int64_t id;
	json_t *sources;	/* the batch's ranges, by source key */
} pending;

typedef struct loop {
	const st_read_opts *o;
	st_ckpt ckpt;
	int has_ckpt;
	st_writer out;
	st_emitter em;
	st_buf line;
	int64_t next_id;	/* the next batch to plan */
	int64_t emitted;	/* the last batch emitted in full, or -1 */
	int last_had_data;
	int64_t through;	/* the batch the compacted positions include */
	int64_t prev_start;	/* mono usec when the previous batch began */
	st_linefile dead;	/* --dead-letter */
	st_malformed_policy mal;
	pending *pend;		/* emitted batches not yet cleaned */
	size_t npend, pcap;
	int64_t bar_t0;		/* progress bar: when it started (mono) */
	int64_t bar_max;	/* the largest backlog seen, in bytes */
	int bar_open;		/* a bar line is on stderr, unterminated */
	int bar_done;		/* it reached 100% and ended its line */
	st_buf path;		/* a checkpoint path, for messages */
	int64_t *from;		/* restart: the first batch of each source */
} loop;

int
st_trigger_parse(const char *s, st_trigger *t, int64_t *interval)
{
	if (strcasecmp(s, "once") == 0) {
		*t = ST_TRIGGER_ONCE;
		return 0;
	}
	if (strcasecmp(s, "available-now") == 0 ||
	    strcasecmp(s, "availablenow") == 0 ||
	    strcasecmp(s, "available_now") == 0) {
		*t = ST_TRIGGER_AVAILABLE_NOW;
		return 0;
	}
	if (strcasecmp(s, "continuous") == 0) {
		*t = ST_TRIGGER_CONTINUOUS;
		*interval = ST_USEC_PER_SEC;
		return 0;
	}
	if (strncasecmp(s, "continuous=", 11) == 0) {
		if (st_parse_duration(s + 11, interval) < 0 || *interval <= 0)
			return -1;
		*t = ST_TRIGGER_CONTINUOUS;
		return 0;
	}
	if (strcasecmp(s, "default") == 0) {
		*t = ST_TRIGGER_DEFAULT;
		return 0;
	}
	if (strncasecmp(s, "processing-time=", 16) == 0)
		s += 16;
	else if (strncasecmp(s, "processingTime=", 15) == 0)
		s += 15;
	if (st_parse_duration(s, interval) < 0 || *interval <= 0)
		return -1;
	*t = ST_TRIGGER_INTERVAL;
	return 0;
}

static const char *skey(const st_source *s);

/*
 * The set of sources is part of the query, as in Spark (which refuses a
 * restart with other sources): the first run records their names in
 * sources/names, and a later run with another set is refused before
 * anything is read, rather than reading an added source from the start
 * or leaving a removed one behind.
 */
static void
check_sources(loop *l, const char *dir)
{
	json_t *now = json_array(), *was = NULL;

	for (size_t i = 0; i < l->o->nsources; i++)
		json_array_append_new(now, json_string(skey(l->o->sources[i])));
	int rc = st_ckpt_read_json(&l->ckpt, ST_CKPT_NAMES, &was);
	if (rc < 0)
		exit(ST_EXIT_DATA);
	if (rc == 0) {
		if (st_ckpt_write_json(&l->ckpt, ST_CKPT_NAMES, now) < 0)
			exit(ST_EXIT_DATA);
	} else if (!json_equal(was, now)) {
		char *a = json_dumps(was, JSON_COMPACT);
		char *b = json_dumps(now, JSON_COMPACT);
		st_warn("checkpoint '%s' was started with the sources %s, now "
		    "%s; Spark refuses a change in the sources too: use a new "
		    "checkpoint directory", dir, a ? a : "?", b ? b : "?");
		free(a);
		free(b);
		json_decref(was);
		json_decref(now);
		exit(ST_EXIT_DATA);
	}
	json_decref(was);
	json_decref(now);
}

static const char *
skey(const st_source *s)
{
	return s->name ? s->name : "default";
}

/* Sleeps usec, or less when a stop signal arrives. */
static void
nap(int64_t usec)
{
	struct timespec ts = { usec / 1000000, (usec % 1000000) * 1000 };
	(void)nanosleep(&ts, NULL);
}

static int
sink_announced(loop *l)
{
	return l->has_ckpt && st_ckpt_sink_announced(&l->ckpt);
}

/*
 * Whether a batch counts as done once st-read has emitted it: only when the
 * user said that nothing downstream commits (--commit-on-emit) and no sink
 * has announced itself since. Guessing it from the absence of DIR/sink
 * would race with a sink that has not started yet, and a batch skipped on
 * that guess would be lost.
 */
static int
done_on_emit(loop *l)
{
	return l->o->commit_on_emit && !sink_announced(l);
}

/* The last batch known done: committed by a sink, else (--commit-on-emit)
 * emitted. */
static int64_t
done_batch(loop *l)
{
	if (!l->has_ckpt || done_on_emit(l))
		return l->emitted;
	return st_ckpt_last_commit(&l->ckpt);
}

static void
write_ctl(loop *l, json_t *obj)
{
	st_buf_reset(&l->line);
	st_ctl_serialize(obj, &l->line);
	st_buf_putc(&l->line, '\n');
	st_writer_write(&l->out, l->line.data, l->line.len);
}

static void
ckpt_write_json(loop *l, const char *path, json_t *v)
{
	if (st_ckpt_write_json(&l->ckpt, path, v) < 0)
		exit(ST_EXIT_DATA);
}

/* Reads a JSON file of the checkpoint: new reference, NULL when absent. */
static json_t *
ckpt_read_json(loop *l, const char *path)
{
	json_t *v;

	if (st_ckpt_read_json(&l->ckpt, path, &v) < 0)
		exit(ST_EXIT_DATA);
	return v;
}

/* The advice that ends every message about a damaged checkpoint. */
#define RESTORE "restore it from a backup, or start again with a new " \
	"checkpoint directory"

static json_t *
read_offsets(loop *l, int64_t id)
{
	const char *p = st_ckpt_offsets_path(&l->path, id);
	json_t *v = ckpt_read_json(l, p);
	const char *why;

	if (v == NULL)
		st_die(ST_EXIT_DATA, "checkpoint file '%s/%s' is missing; "
		    RESTORE, l->ckpt.dir, p);
	if ((why = st_ckpt_check_offsets(v, id)) != NULL) {
		json_decref(v);
		st_die(ST_EXIT_DATA, "checkpoint file '%s/%s' is damaged: %s; "
		    RESTORE, l->ckpt.dir, p, why);
	}
	return v;
}

/* The versions in dir (new array, *n of them), or NULL and a message in
 * why when dir cannot be read. */
static int64_t *
list_versions(loop *l, const char *dir, size_t *n, st_buf *why)
{
	int64_t *v;

	if (st_ckpt_versions(&l->ckpt, dir, &v, n) < 0) {
		st_buf_printf(why, "cannot read checkpoint directory '%s/%s': %s",
		    l->ckpt.dir, dir, strerror(errno));
		return NULL;
	}
	return v;
}

/* The batch of the newest state any tool saved (into why when a state
 * directory cannot be read), or -1 when there is none. */
static int64_t
newest_state(loop *l, st_buf *where, st_buf *why)
{
	st_buf p = ST_BUF_INIT;
	DIR *d = opendir(st_ckpt_path(&l->ckpt, ST_CKPT_STATE, &p));
	struct dirent *e;
	int64_t newest = -1;

	while (d && why->len == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		size_t nv;
		st_buf_reset(&p);
		st_buf_printf(&p, ST_CKPT_STATE "/%s", e->d_name);
		int64_t *v = list_versions(l, p.data, &nv, why);
		if (v && nv && v[nv - 1] > newest) {
			newest = v[nv - 1];
			st_ckpt_state_path(where, p.data, newest);
		}
		free(v);
	}
	if (d)
		closedir(d);
	st_buf_release(&p);
	return newest;
}

/*
 * The invariants of the log, checked before anything is replayed: the
 * offsets are contiguous, every commit but the oldest kept has its
 * offsets, the next batch id is above every commit (ids only grow, never
 * reused) and above every saved state, and the last commit is well-formed.
 * A violation means a file was lost: it is named, never guessed around.
 */
static void
check_log(loop *l)
{
	st_ckpt *c = &l->ckpt;
	size_t no = 0, nc = 0;
	st_buf p = ST_BUF_INIT, why = ST_BUF_INIT, q = ST_BUF_INIT;
	int64_t *o = list_versions(l, ST_CKPT_OFFSETS, &no, &why);
	int64_t *cm = why.len ? NULL : list_versions(l, ST_CKPT_COMMITS, &nc,
	    &why);
	int64_t first = no ? o[0] : -1, last = no ? o[no - 1] : -1;

	for (size_t i = 1; i < no && why.len == 0; i++)
		if (o[i] != o[i - 1] + 1)
			st_buf_printf(&why, "checkpoint file '%s/%s' is missing "
			    "(the log goes from batch %lld to %lld); " RESTORE,
			    c->dir, st_ckpt_offsets_path(&p, o[i - 1] + 1),
			    (long long)first, (long long)last);
	for (size_t i = nc; i-- > 0 && why.len == 0;)
		if (cm[i] > last || (i > 0 && cm[i] < first))
			st_buf_printf(&why, "checkpoint file '%s/%s' is missing, "
			    "but batch %lld is committed: a new batch would "
			    "reuse its id; " RESTORE, c->dir,
			    st_ckpt_offsets_path(&p, cm[i]), (long long)cm[i]);
	if (nc && why.len == 0) {
		json_t *v;
		int64_t id = cm[nc - 1];
		st_ckpt_commit_path(&p, id);
		int rc = st_ckpt_read_json(c, p.data, &v);
		json_t *b = json_object_get(v, "batch");
		if (rc < 0)
			st_buf_puts(&why, "-");	/* said */
		else if (!json_is_integer(b) || json_integer_value(b) != id ||
		    !json_is_integer(json_object_get(v, "ts")))
			st_buf_printf(&why, "checkpoint file '%s/%s' is damaged: "
			    "it is not the commit of batch %lld; " RESTORE,
			    c->dir, p.data, (long long)id);
		json_decref(v);
	}
	/* No tool may hold the state of a batch the log does not have. */
	int64_t newest = why.len ? -1 : newest_state(l, &q, &why);
	if (why.len == 0 && newest > last)
		st_buf_printf(&why, "checkpoint file '%s/%s' is missing, but "
		    "'%s/%s' holds the state after that batch: a new batch "
		    "would reuse its id; " RESTORE, c->dir,
		    st_ckpt_offsets_path(&p, newest), c->dir, q.data);
	free(o);
	free(cm);
	st_buf_release(&p);
	st_buf_release(&q);
	if (why.len) {
		if (strcmp(why.data, "-") != 0)
			st_warn("%s", why.data);
		st_buf_release(&why);
		exit(ST_EXIT_DATA);
	}
}

/* Cleans the input of the batches done so far (clean-source). */
static void
clean_done(loop *l)
{
	if (!l->o->clean || l->npend == 0)
		return;
	int64_t done = done_batch(l);
	size_t k = 0;
	for (size_t i = 0; i < l->npend; i++) {
		pending *p = &l->pend[i];
		if (p->id > done) {
			l->pend[k++] = *p;
			continue;
		}
		for (size_t j = 0; j < l->o->nsources; j++) {
			st_source *s = l->o->sources[j];
			json_t *r = json_object_get(p->sources, skey(s));
			if (r && s->vt->commit)
				(void)s->vt->commit(s, r);
		}
		json_decref(p->sources);
	}
	l->npend = k;
}

static void
add_pending(loop *l, int64_t id, json_t *sources)
{
	if (!l->o->clean)
		return;
	if (l->npend == l->pcap) {
		l->pcap = l->pcap ? l->pcap * 2 : 16;
		l->pend = st_realloc(l->pend, l->pcap * sizeof *l->pend);
	}
	l->pend[l->npend].id = id;
	l->pend[l->npend].sources = json_incref(sources);
	l->npend++;
}

/* Writes the positions of the sources (through the last planned batch)
 * and drops the offsets nobody needs any more. */
static void
compact(loop *l)
{
	int64_t through = l->next_id - 1;
	st_buf p = ST_BUF_INIT;

	if (!l->has_ckpt || through < 0 || through == l->through)
		return;
	for (size_t i = 0; i < l->o->nsources; i++) {
		st_source *s = l->o->sources[i];
		json_t *pos = s->vt->save(s);
		json_t *v = json_pack("{sIso}", "through", (json_int_t)through,
		    "position", pos);
		ckpt_write_json(l, st_ckpt_seen_path(&p, skey(s)), v);
		json_decref(v);
	}
	st_buf_release(&p);
	l->through = through;
	int64_t limit = done_batch(l) - KEEP_OFFSETS;
	if (limit > through)
		limit = through;
	(void)st_ckpt_prune(&l->ckpt, ST_CKPT_OFFSETS, limit);
}

/*
 * The catch-up progress bar of an available-now run, on standard error
 * when it is a terminal only: the share of the input read, what is left,
 * the rate and the time left, redrawn in place after every batch.
 */
static void
progress_bar(loop *l, int64_t id, int64_t files, int64_t bytes,
    int64_t planned)
{
	if (l->o->trigger != ST_TRIGGER_AVAILABLE_NOW || l->bar_done ||
	    !isatty(STDERR_FILENO))
		return;
	int64_t now = st_mono_usec();
	/* The run's input: what the first batch took and what it left. */
	if (l->bar_t0 == 0) {
		l->bar_t0 = now;
		l->bar_max = bytes + planned;
	}
	if (bytes > l->bar_max)
		l->bar_max = bytes;
	double done = l->bar_max > 0 ? 1.0 - (double)bytes / l->bar_max : 1.0;
	double secs = (now - l->bar_t0) / 1e6;
	double rate = secs > 0 ? (l->bar_max - bytes) / secs : 0;
	st_buf b = ST_BUF_INIT;
	int width = 20, fill = (int)(done * width + 0.5);

	st_buf_printf(&b, "\r%s: batch %lld [", st_progname(), (long long)id);
	for (int i = 0; i < width; i++)
		st_buf_putc(&b, i < fill ? '#' : '.');
	st_buf_printf(&b, "] %3d%%  %lld files, ", (int)(done * 100 + 0.5),
	    (long long)files);
	st_buf_put_size(&b, bytes);
	st_buf_puts(&b, " to go");
	if (rate > 0) {
		st_buf_puts(&b, ", ");
		st_buf_put_size(&b, (int64_t)rate);
		st_buf_printf(&b, "/s, ETA %.0f s", bytes / rate);
	}
	st_buf_puts(&b, "\033[K");
	if (files == 0)
		st_buf_putc(&b, '\n');
	l->bar_open = files != 0;
	l->bar_done = files == 0;
	(void)!write(STDERR_FILENO, b.data, b.len);
	st_buf_release(&b);
}

static json_t *
progress(loop *l, int64_t id, uint64_t rows, int64_t t0, int64_t t1,
    json_t *per_source)
{
	double since = (t0 - l->prev_start) / 1e6;
	double took = (t1 - t0) / 1e6;
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string("st-read"));
	json_object_set_new(o, "batchId", json_integer(id));
	json_object_set_new(o, "numInputRows", json_integer(rows));
	json_object_set_new(o, "inputRowsPerSecond",
	    json_real(l->prev_start && since > 0 ? rows / since : 0.0));
	json_object_set_new(o, "processedRowsPerSecond",
	    json_real(took > 0 ? rows / took : 0.0));
	if (l->em.malformed)
		json_object_set_new(o, "numMalformedRows",
		    json_integer(l->em.malformed));
	json_object_set_new(o, "durationMs", json_pack("{sI}",
	    "triggerExecution", (json_int_t)((t1 - t0) / 1000)));
	json_object_set_new(o, "sources", per_source);
	return o;
}

/* Writes DIR/offsets/id: the batch's ranges, by source key. */
static void
log_batch(loop *l, int64_t id, int64_t ts, json_t *sources, int data)
{
	st_buf p = ST_BUF_INIT;
	json_t *v = json_pack("{sIsIsbsO}", "batch", (json_int_t)id, "ts",
	    (json_int_t)ts, "data", data, "sources", sources);

	ckpt_write_json(l, st_ckpt_offsets_path(&p, id), v);
	json_decref(v);
	st_buf_release(&p);
}

/* True when some source's range in sources holds data. */
static int
has_data(loop *l, json_t *sources)
{
	for (size_t i = 0; i < l->o->nsources; i++) {
		st_source *s = l->o->sources[i];
		json_t *r = json_object_get(sources, skey(s));
		if (r && !s->vt->empty(s, r))
			return 1;
	}
	return 0;
}

static void
advance_all(loop *l, json_t *sources)
{
	for (size_t i = 0; i < l->o->nsources; i++) {
		st_source *s = l->o->sources[i];
		json_t *r = json_object_get(sources, skey(s));
		if (r)
			s->vt->advance(s, r);
	}
}

/* The begin line of batch id, marked "noData" when the batch has no
 * input (st_batch_no_data); the batch's counters start at zero. */
static void
open_batch(loop *l, int64_t id, int64_t ts, int data)
{
	/* The dead-letter file exactly once: a replay first cuts it back. */
	st_linefile *dead = &l->dead;
	if (st_linefile_batch(l->has_ckpt ? &l->ckpt : NULL, "st-read", id,
	    &dead, 1) < 0)
		exit(ST_EXIT_DATA);
	json_t *b = st_ctl_new_begin(id, ts);

	if (!data)
		json_object_set_new(b, "noData", json_true());
	write_ctl(l, b);
	json_decref(b);
	l->em.rows = l->em.malformed = 0;
}

/*
 * Writes source i's records of range r (NULL: none): its source line first
 * when it is named and not the current one (*cur). A replayed range of a
 * source that cannot read it again is reported, with what it held.
 */
static void
emit_range(loop *l, size_t i, json_t *r, int replay, int64_t id, size_t *cur)
{
	st_source *s = l->o->sources[i];

	if (s->name && *cur != i) {
		json_t *c = st_ctl_new_source(s->name);
		write_ctl(l, c);
		json_decref(c);
		*cur = i;
	}
	if (r && replay && !s->vt->replayable) {
		char *t = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
		st_warn("batch %lld: the input of source '%s' cannot be read "
		    "again (%s is not replayable): %s is lost", (long long)id,
		    skey(s), s->vt->describe(s), t ? t : "?");
		free(t);
	} else if (r && s->vt->emit(s, r, &l->em) < 0) {
		st_writer_flush(&l->out);
		exit(ST_EXIT_DATA);
	}
}

/* What the sources have not planned yet, summed for the progress bar. */
typedef struct backlog {
	int64_t files, bytes, planned;
} backlog;

/* Source i's entry in the batch's progress (a new reference), with its
 * backlog, added to *bl. */
static json_t *
source_progress(loop *l, size_t i, json_t *r, uint64_t rows, backlog *bl)
{
	st_source *s = l->o->sources[i];
	json_t *e = json_pack("{ssss}", "name", skey(s), "description",
	    s->vt->describe(s));

	json_object_set_new(e, "numInputRows", json_integer(rows));
	if (r)
		json_object_set(e, "endOffset", r);
	if (s->vt->backlog) {
		int64_t files = 0, bytes = -1, planned = 0, recs = -1;
		s->vt->backlog(s, &files, &bytes, &planned, &recs);
		bl->planned += planned > 0 ? planned : 0;
		json_t *o = json_pack("{sIsI}", "files", (json_int_t)files,
		    "bytes", (json_int_t)bytes);
		if (recs >= 0)
			json_object_set_new(o, "records", json_integer(recs));
		json_object_set_new(e, "backlog", o);
		bl->files += files;
		bl->bytes += bytes > 0 ? bytes : 0;
	}
	return e;
}

/* The end line of batch id with its progress (per: the sources' entries,
 * stolen), the flush, and what follows a batch emitted in full. */
static void
close_batch(loop *l, int64_t id, json_t *sources, int data, int64_t t0,
    json_t *per, const backlog *bl, int replay)
{
	int64_t t1 = st_mono_usec();
	json_t *e = st_ctl_new_end(id);

	json_array_append_new(json_object_get(e, "progress"),
	    progress(l, id, l->em.rows, t0, t1, per));
	write_ctl(l, e);
	json_decref(e);
	st_writer_flush(&l->out);
	progress_bar(l, id, bl->files, bl->bytes, bl->planned);
	l->prev_start = t0;
	l->emitted = id;
	l->last_had_data = data;
	if (l->has_ckpt && done_on_emit(l)) {
		json_t *v = json_integer(id);
		ckpt_write_json(l, ST_CKPT_DONE, v);
		json_decref(v);
	}
	add_pending(l, id, sources);
	clean_done(l);
	if (!replay && l->has_ckpt && id % COMPACT_EVERY == COMPACT_EVERY - 1)
		compact(l);
}

/*
 * Emits batch id: logs it first when it is new (replay 0), then the begin
 * line, each source's records, the end line with progress, and flushes.
 * sources maps source keys to ranges (absent: nothing from that source).
 */
static void
emit_batch(loop *l, int64_t id, int64_t ts, json_t *sources, int replay)
{
	int data = has_data(l, sources);
	size_t cur = (size_t)-1;

	if (l->has_ckpt && !replay)
		log_batch(l, id, ts, sources, data);
	if (!replay)
		advance_all(l, sources);

	int64_t t0 = st_mono_usec();
	/* Only the batches planned without input (an empty ranges map)
	 * are no-data batches: a source may not know its ranges are empty. */
	open_batch(l, id, ts, json_object_size(sources) > 0);
	json_t *per = json_array();
	backlog bl = { 0 };
	for (size_t i = 0; i < l->o->nsources; i++) {
		json_t *r = json_object_get(sources, skey(l->o->sources[i]));
		uint64_t before = l->em.rows;
		emit_range(l, i, r, replay, id, &cur);
		json_array_append_new(per, source_progress(l, i, r,
		    l->em.rows - before, &bl));
	}
	close_batch(l, id, sources, data, t0, per, &bl, replay);
}

/* Plans one batch from every source; returns the ranges by source key
 * (new reference) or NULL when no source has anything new. */
static json_t *
plan(loop *l, const st_source_limits *lim)
{
	json_t *v = json_object();

	for (size_t i = 0; i < l->o->nsources; i++) {
		st_source *s = l->o->sources[i];
		json_t *r = s->vt->plan(s, lim);
		if (r)
			json_object_set_new(v, skey(s), r);
	}
	if (json_object_size(v) == 0) {
		json_decref(v);
		return NULL;
	}
	return v;
}

static void
new_batch(loop *l, json_t *ranges)
{
	emit_batch(l, l->next_id, st_now_usec() / 1000, ranges, 0);
	l->next_id++;
}

/* Rebuilds the positions from the checkpoint and replays the batches
 * logged but not done. */
static void
restart(loop *l)
{
	check_log(l);
	int64_t last = st_ckpt_last_offsets(&l->ckpt);
	int64_t done, through = last;
	st_buf *p = &l->path;

	if (done_on_emit(l)) {
		json_t *d = ckpt_read_json(l, ST_CKPT_DONE);
		done = d ? json_integer_value(d) : -1;
		json_decref(d);
	} else {
		done = st_ckpt_last_commit(&l->ckpt);
	}
	if (done > last)
		done = last;

	int64_t *from = l->from = st_calloc(l->o->nsources + 1, sizeof *from);
	for (size_t i = 0; i < l->o->nsources; i++) {
		st_source *s = l->o->sources[i];
		int log0 = st_ckpt_exists(&l->ckpt, st_ckpt_offsets_path(p, 0));
		json_t *v = ckpt_read_json(l, st_ckpt_seen_path(p, skey(s)));
		json_t *th = json_object_get(v, "through");
		const char *bad = NULL;
		from[i] = 0;
		if (v && (!json_is_integer(th) || json_integer_value(th) > last ||
		    json_integer_value(th) < -1))
			bad = "is damaged: its batch is not one of the log";
		else if (v == NULL && last >= 0 && !log0)
			bad = "is missing (and the log no longer starts at "
			    "batch 0)";
		else if (v && s->vt->load(s, json_object_get(v, "position")) < 0)
			bad = "is damaged: its position is not one of this "
			    "source";
		if (bad) {
			json_decref(v);
			st_die(ST_EXIT_DATA, "checkpoint file '%s/%s' %s; "
			    RESTORE, l->ckpt.dir, p->data, bad);
		}
		if (v) {
			from[i] = json_integer_value(th) + 1;
			if (from[i] - 1 < through)
				through = from[i] - 1;
		} else {
			through = -1;
		}
		json_decref(v);
	}
	l->through = through;
	/* Positions: replay the log over the compacted state. */
	for (int64_t b = through + 1; b <= last; b++) {
		json_t *v = read_offsets(l, b);
		json_t *src = json_object_get(v, "sources");
		for (size_t i = 0; i < l->o->nsources; i++) {
			st_source *s = l->o->sources[i];
			json_t *r = json_object_get(src, skey(s));
			if (r && b >= from[i])
				s->vt->advance(s, r);
		}
		if (b == last)
			l->last_had_data = json_is_true(json_object_get(v,
			    "data"));
		json_decref(v);
	}
	free(from);
	l->from = NULL;
	/* Clean what earlier runs committed but had no time to clean. */
	if (l->o->clean) {
		int64_t *v;
		size_t n;
		if (st_ckpt_versions(&l->ckpt, ST_CKPT_OFFSETS, &v, &n) == 0) {
			for (size_t i = 0; i < n && v[i] <= done; i++) {
				json_t *o = read_offsets(l, v[i]);
				add_pending(l, v[i], json_object_get(o,
				    "sources"));
				json_decref(o);
			}
			free(v);
		}
	}
	l->emitted = done;
	clean_done(l);
	l->next_id = last + 1;
	for (int64_t b = done + 1; b <= last && !st_stop_requested(); b++) {
		json_t *v = read_offsets(l, b);
		emit_batch(l, b, json_integer_value(json_object_get(v, "ts")),
		    json_object_get(v, "sources"), 1);
		json_decref(v);
	}
}

/* True when standard output is a pipe or socket: a sink may be reading. */
static int
output_is_pipe(void)
{
	struct stat st;

	return fstat(1, &st) == 0 && (S_ISFIFO(st.st_mode) ||
	    S_ISSOCK(st.st_mode));
}

/* True when the reader of our standard output has gone away. */
static int
downstream_gone(void)
{
	struct pollfd p = { .fd = 1, .events = 0 };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLHUP));
}

/* Before exiting with clean-source on: gives the sink a moment to commit
 * the last batch, so its files are cleaned by this run. The sink of the
 * pipeline may not have announced itself yet (it starts at the same time
 * as st-read): it gets a few seconds to, then up to 30 to commit. */
static void
await_commit(loop *l)
{
	if (!l->o->clean || l->npend == 0 || done_on_emit(l) ||
	    !output_is_pipe())
		return;
	int64_t now = st_mono_usec();
	int64_t grace = now + 5 * ST_USEC_PER_SEC;
	int64_t deadline = now + 30 * ST_USEC_PER_SEC;
	while (done_batch(l) < l->emitted && !st_stop_requested() &&
	    !downstream_gone() && (now = st_mono_usec()) < deadline &&
	    (now < grace || sink_announced(l)))
		nap(20000);
	clean_done(l);
	if (l->npend)
		st_warn("batch %lld is not committed yet: its input is "
		    "cleaned by the next run", (long long)l->emitted);
}

static int
all_exhausted(loop *l)
{
	for (size_t i = 0; i < l->o->nsources; i++) {
		st_source *s = l->o->sources[i];
		if (!s->vt->exhausted || !s->vt->exhausted(s))
			return 0;
	}
	return 1;
}

static void
wait_data(loop *l, int64_t usec)
{
	/* One source that can wait on its input (stdin) waits for it;
	 * files are polled. */
	if (l->o->nsources == 1 && l->o->sources[0]->vt->wait)
		l->o->sources[0]->vt->wait(l->o->sources[0], usec);
	else
		nap(usec);
}

/*
 * One epoch of the continuous trigger, opened by ranges (what plan() just
 * found). Each range's records go out and are flushed as soon as they are
 * read; the epoch closes interval after it opened (or when the input ends
 * or a stop is asked for). Its ranges, merged per source, are logged when
 * it closes and before its end line, so that a sink can only commit an
 * epoch that is logged: a restart replays logged, uncommitted epochs whole
 * (identically, for a replayable source) and reads on after the last
 * logged one, so the records of an epoch cut short by a crash are read
 * again as part of a new epoch.
 */
static void
epoch(loop *l, json_t *ranges)
{
	const st_read_opts *o = l->o;
	int64_t id = l->next_id++, ts = st_now_usec() / 1000;
	int64_t t0 = st_mono_usec(), deadline = t0 + o->interval;
	size_t n = o->nsources, cur = (size_t)-1;
	uint64_t *rows = st_calloc(n + 1, sizeof *rows);
	json_t *acc = json_object();

	open_batch(l, id, ts, 1);
	for (;;) {
		for (size_t i = 0; ranges && i < n; i++) {
			st_source *s = o->sources[i];
			json_t *r = json_object_get(ranges, skey(s));
			if (r == NULL)
				continue;
			s->vt->advance(s, r);
			uint64_t before = l->em.rows;
			emit_range(l, i, r, 0, id, &cur);
			rows[i] += l->em.rows - before;
			json_t *a = json_object_get(acc, skey(s));
			json_object_set_new(acc, skey(s), a ?
			    s->vt->merge(s, a, r) : json_incref(r));
		}
		json_decref(ranges);
		ranges = NULL;
		st_writer_flush(&l->out);
		int64_t now = st_mono_usec();
		if (now >= deadline || st_stop_requested())
			break;
		ranges = plan(l, &o->limits);
		if (ranges)
			continue;
		if (all_exhausted(l))
			break;
		wait_data(l, deadline - now < o->poll ? deadline - now :
		    o->poll);
		if (st_mono_usec() >= deadline || st_stop_requested())
			break;
		ranges = plan(l, &o->limits);
	}
	int data = has_data(l, acc);
	if (l->has_ckpt)
		log_batch(l, id, ts, acc, data);
	json_t *per = json_array();
	backlog bl = { 0 };
	for (size_t i = 0; i < n; i++)
		json_array_append_new(per, source_progress(l, i,
		    json_object_get(acc, skey(o->sources[i])), rows[i], &bl));
	close_batch(l, id, acc, data, t0, per, &bl, 0);
	json_decref(acc);
	free(rows);
}

/* The continuous trigger: epochs, each opened by the first data after the
 * previous one closed (no empty epochs). */
static void
run_continuous(loop *l)
{
	while (!st_stop_requested()) {
		json_t *r = plan(l, &l->o->limits);
		if (r) {
			epoch(l, r);
			continue;
		}
		if (all_exhausted(l))
			break;
		clean_done(l);
		wait_data(l, l->o->poll);
	}
}

int
st_read_run(const st_read_opts *o)
{
	static loop l;	/* static: reachable when st_die() exits */
	const st_common *c = o->common;
	st_source_limits none = { 0 };

	for (size_t i = 0; i < o->nsources; i++)
		if (o->trigger == ST_TRIGGER_CONTINUOUS &&
		    o->sources[i]->vt->merge == NULL)
			st_die(ST_EXIT_USAGE, "the %s source cannot run with "
			    "--trigger continuous", o->sources[i]->vt->kind);
	memset(&l, 0, sizeof l);
	l.o = o;
	l.emitted = -1;
	l.through = -1;
	st_signals_init();
	st_io_tune_pipe(1);
	st_writer_init(&l.out, 1, "standard output", 0);
	st_abort_writer(&l.out);
	l.em.out = &l.out;
	l.dead = (st_linefile)ST_LINEFILE_INIT;
	st_linefile_open(&l.dead, c->dead_letter);
	st_malformed_init(&l.mal, c->malformed, &l.dead);
	l.em.policy = &l.mal;
	for (size_t i = 0; i < o->nsources; i++)
		if (o->sources[i]->vt->start &&
		    o->sources[i]->vt->start(o->sources[i]) < 0)
			exit(ST_EXIT_DATA);
	if (c->checkpoint) {
		if (st_ckpt_open(&l.ckpt, c->checkpoint) < 0)
			return ST_EXIT_DATA;
		l.has_ckpt = 1;
		if (st_ckpt_lock(&l.ckpt, o->wait_lock) < 0) {
			if (errno == EWOULDBLOCK)
				st_die(ST_EXIT_DATA, "checkpoint '%s' is in use "
				    "by another run of this pipeline (use "
				    "--wait to wait for it)", c->checkpoint);
			st_die(ST_EXIT_DATA, "cannot lock '%s/lock':",
			    c->checkpoint);
		}
		/* The lock file names its holder, for scripts and humans. */
		char pid[32];
		int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
		if (ftruncate(l.ckpt.lockfd, 0) < 0 ||
		    pwrite(l.ckpt.lockfd, pid, (size_t)n, 0) != n)
			st_warn("cannot write '%s/lock':", c->checkpoint);
		check_sources(&l, c->checkpoint);
		restart(&l);
	}

	switch (o->trigger) {
	case ST_TRIGGER_ONCE: {
		json_t *r = st_stop_requested() ? NULL : plan(&l, &none);
		if (r)
			new_batch(&l, r);
		json_decref(r);
		break;
	}
	case ST_TRIGGER_AVAILABLE_NOW:
		for (size_t i = 0; i < o->nsources; i++)
			if (o->sources[i]->vt->snapshot)
				o->sources[i]->vt->snapshot(o->sources[i]);
		while (!st_stop_requested()) {
			json_t *r = plan(&l, &o->limits);
			if (r == NULL)
				break;
			new_batch(&l, r);
			json_decref(r);
		}
		break;
	case ST_TRIGGER_CONTINUOUS:
		run_continuous(&l);
		break;
	case ST_TRIGGER_DEFAULT:
	case ST_TRIGGER_INTERVAL: {
		int64_t start = st_mono_usec();
		while (!st_stop_requested()) {
			if (o->trigger == ST_TRIGGER_INTERVAL) {
				/* Fire at the next multiple of the interval;
				 * a missed one is skipped, as Spark does. */
				int64_t now = st_mono_usec();
				int64_t next = start + ((now - start) /
				    o->interval + 1) * o->interval;
				while (!st_stop_requested() &&
				    (now = st_mono_usec()) < next) {
					int64_t d = next - now;
					wait_data(&l, d < o->poll ? d : o->poll);
					clean_done(&l);
				}
				if (st_stop_requested())
					break;
			}
			json_t *r = plan(&l, &o->limits);
			if (r) {
				new_batch(&l, r);
				json_decref(r);
				continue;
			}
			/* Nothing new after a batch with data: one no-data
			 * batch lets the watermark it moved take effect, as
			 * Spark runs one (the tools that need it say so). */
			if (l.last_had_data) {
				new_batch(&l, r = json_object());
				json_decref(r);
			}
			if (all_exhausted(&l))
				break;
			clean_done(&l);
			if (o->trigger == ST_TRIGGER_DEFAULT)
				wait_data(&l, o->poll);
		}
		break;
	}
	}
	/* Available-now ends with a no-data batch, to let the last
	 * watermark take effect; once runs exactly one batch (Spark's
	 * Trigger.Once runs no no-data batch after it). */
	if (!st_stop_requested() && l.last_had_data &&
	    (o->trigger == ST_TRIGGER_AVAILABLE_NOW ||
	    (o->trigger == ST_TRIGGER_CONTINUOUS && all_exhausted(&l)))) {
		json_t *r = json_object();
		new_batch(&l, r);
		json_decref(r);
	}
	await_commit(&l);
	compact(&l);
	st_writer_flush(&l.out);
	if (l.bar_open)
		(void)!write(STDERR_FILENO, "\n", 1);
	st_malformed_report(&l.mal);
	st_malformed_release(&l.mal);
	st_linefile_close(&l.dead);
	/* Everything went well: say so, as the last line (st(7)). */
	st_ctl_write_eos(&l.out);
	st_abort_writer(NULL);
	for (size_t i = 0; i < l.npend; i++)
		json_decref(l.pend[i].sources);
	free(l.pend);
	st_writer_release(&l.out);
	st_buf_release(&l.line);
	st_buf_release(&l.path);
	if (l.has_ckpt)
		st_ckpt_close(&l.ckpt);
	return ST_EXIT_OK;
}
