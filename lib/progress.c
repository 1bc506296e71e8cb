/* progress.c - see progress.h. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "progress.h"
#include "datetime.h"


/* Spark's operatorName for the state of each stateful tool. */
static const char *
operator_name(const char *tool)
{
	if (strcmp(tool, "st-window") == 0)
		return "stateStoreSave";
	if (strcmp(tool, "st-dedup") == 0)
		return "dedupe";
	if (strcmp(tool, "st-join") == 0)
		return "symmetricHashJoin";
	return tool;
}

/* Copies member key of from into to under the name as, when present. */
static void
copy(json_t *to, const char *as, json_t *from, const char *key)
{
	json_t *v = json_object_get(from, key);

	if (v)
		json_object_set(to, as, v);
}

static json_t *
state_operator(json_t *e, const char *tool)
{
	json_t *o = json_object();

	json_object_set_new(o, "operatorName",
	    json_string(operator_name(tool)));
	json_object_set_new(o, "tool", json_string(tool));
	copy(o, "numRowsTotal", e, "stateRows");
	copy(o, "numRowsUpdated", e, "stateRowsUpdated");
	copy(o, "numRowsRemoved", e, "stateRowsRemoved");
	copy(o, "numRowsDroppedByWatermark", e, "numRowsDroppedByWatermark");
	copy(o, "memoryUsedBytes", e, "stateMemoryBytes");
	return o;
}

/* The endOffset of the source named name in a previous record, or NULL. */
static json_t *
prev_end(json_t *prev, json_t *name)
{
	size_t i;
	json_t *s;

	json_array_foreach(json_object_get(prev, "sources"), i, s)
		if (json_equal(json_object_get(s, "name"), name))
			return json_object_get(s, "endOffset");
	return NULL;
}

json_t *
st_progress_build(const st_progress_info *pi, json_t *tools)
{
	json_t *p = json_object();
	json_t *state = json_array();
	json_t *sources = json_array();
	json_t *dur = json_object();
	json_t *evt = NULL;
	json_t *read = NULL;
	st_buf ts = ST_BUF_INIT;
	size_t i;
	json_t *e;

	st_format_timestamp(&ts, pi->ts_ms * 1000);
	json_object_set_new(p, "id", pi->id ? json_string(pi->id) : json_null());
	json_object_set_new(p, "runId", json_string(pi->run_id));
	json_object_set_new(p, "name", pi->name ? json_string(pi->name) :
	    json_null());
	json_object_set_new(p, "timestamp", json_string(ts.len ? ts.data : ""));
	json_object_set_new(p, "batchId", json_integer(pi->batch_id));
	json_object_set_new(p, "batchTimestampMs", json_integer(pi->ts_ms));
	st_buf_release(&ts);

	json_array_foreach(tools, i, e) {
		const char *tool = json_string_value(json_object_get(e, "name"));
		if (tool == NULL)
			continue;
		if (read == NULL && json_object_get(e, "sources"))
			read = e;
		json_t *et = json_object_get(e, "eventTime");
		/* The watermark in force is the last one stamped on the
		 * stream: a second st-watermark (joins) sees the first's. */
		if (json_is_object(et))
			evt = et;
		if (json_object_get(e, "stateRows"))
			json_array_append_new(state, state_operator(e, tool));
	}

	if (read) {
		copy(p, "numInputRows", read, "numInputRows");
		copy(p, "inputRowsPerSecond", read, "inputRowsPerSecond");
		copy(p, "processedRowsPerSecond", read, "processedRowsPerSecond");
		json_t *d = json_object_get(read, "durationMs");
		const char *k;
		json_t *v;
		json_object_foreach(d, k, v)
			json_object_set(dur, k, v);
		json_array_foreach(json_object_get(read, "sources"), i, e) {
			json_t *s = json_object();
			copy(s, "name", e, "name");
			copy(s, "description", e, "description");
			json_t *start = prev_end(pi->prev, json_object_get(e, "name"));
			json_object_set(s, "startOffset", start ? start : json_null());
			copy(s, "endOffset", e, "endOffset");
			copy(s, "latestOffset", e, "latestOffset");
			copy(s, "backlog", e, "backlog");
			copy(s, "numInputRows", e, "numInputRows");
			copy(s, "inputRowsPerSecond", read, "inputRowsPerSecond");
			copy(s, "processedRowsPerSecond", read,
			    "processedRowsPerSecond");
			json_array_append_new(sources, s);
		}
	} else {
		json_object_set_new(p, "numInputRows", json_integer(0));
	}
	/* From the source's planning of the batch to its commit. */
	json_object_set_new(dur, "triggerExecution",
	    json_integer(pi->now_ms > pi->ts_ms ? pi->now_ms - pi->ts_ms : 0));
	json_object_set_new(dur, "addBatch", json_integer(pi->add_batch_ms));
	json_object_set_new(p, "durationMs", dur);
	if (evt)
		json_object_set(p, "eventTime", evt);
	else
		json_object_set_new(p, "eventTime", json_object());
	json_object_set_new(p, "stateOperators", state);
	json_object_set_new(p, "sources", sources);
	json_object_set_new(p, "sink", json_pack("{sssI}", "description",
	    pi->sink_desc ? pi->sink_desc : "", "numOutputRows",
	    (json_int_t)pi->sink_rows));
	if (tools)
		json_object_set(p, "progress", tools);
	else
		json_object_set_new(p, "progress", json_array());
	return p;
}
