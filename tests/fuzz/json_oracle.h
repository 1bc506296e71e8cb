/*
 * json_oracle.h - jansson as the oracle of the raw-bytes JSON scanner.
 *
 * Included by tests/unit/check_json.c (generated and mutated documents)
 * and tests/fuzz/fuzz_json.c (libFuzzer). json_oracle_check(p, n) runs
 * st_json_scan_object() and jansson's json_loadb(p, n, JSON_ALLOW_NUL)
 * (\u0000 is valid JSON) on the same bytes and returns NULL when they
 * agree, or a static sentence saying how they differ. Agreeing means:
 *
 *   - the scanner accepts exactly when jansson returns an object;
 *   - then the scanner's members, last duplicate winning, are jansson's
 *     members: the same set of keys once unescaped, each value of the same
 *     type and equal to jansson's (json_equal on the value text re-read by
 *     jansson), strings decoded by st_json_unescape() to jansson's bytes,
 *     numbers read by st_json_number() to jansson's integer or real;
 *   - st_json_validate() agrees with json_loadb(JSON_DECODE_ANY).
 *
 * Two differences are by design, and are not disagreements: the scanner
 * accepts integers beyond int64 and reals beyond the double range, which
 * RFC 8259 allows and jansson refuses ("too big integer", "real number
 * overflow"): st reads them as doubles; and the scanner refuses nesting
 * deeper than 512 levels where jansson allows 2048; and the scanner
 * accepts \u0000 in object keys, which jansson cannot represent. And one jansson quirk
 * is left out: jansson's lexer skips a NUL byte after some tokens
 * ("[27\0]", "null\0"); the scanner rejects the NUL, as RFC 8259 does.
 */
#ifndef JSON_ORACLE_H
#define JSON_ORACLE_H

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "buf.h"
#include "json.h"

/* True when jansson refused the text only for a number out of its range,
 * or for \u0000 in an object key (valid JSON, which jansson cannot hold). */
static int
oracle_range_error(const json_error_t *je)
{
	return strstr(je->text, "too big") != NULL ||
	    strstr(je->text, "overflow") != NULL ||
	    strstr(je->text, "NUL byte in object key") != NULL;
}

/* True when the scanner stopped at a NUL byte outside a string, which
 * jansson's lexer may skip (it reads "[27\0]" as [27], "null\0" as null). */
static int
oracle_nul_quirk(const char *p, size_t n, const st_json_err *e)
{
	return e->offset < n && p[e->offset] == '\0';
}

static int
oracle_depth(const char *p, size_t n)
{
	int depth = 0, max = 0, in_str = 0;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				max = depth;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return max;
}

/* Compares one scanned value with jansson's value for it. */
static const char *
oracle_value(const st_field *f, json_t *jv)
{
	static const int jt[] = {
		[ST_J_NULL] = JSON_NULL, [ST_J_FALSE] = JSON_FALSE,
		[ST_J_TRUE] = JSON_TRUE, [ST_J_STRING] = JSON_STRING,
		[ST_J_ARRAY] = JSON_ARRAY, [ST_J_OBJECT] = JSON_OBJECT,
	};

	if (f->type == ST_J_NUMBER) {
		if (!json_is_number(jv))
			return "a number is not a number to jansson";
		int64_t iv;
		double dv;
		if (st_json_number(f->val, f->vlen, &iv, &dv)) {
			if (!json_is_integer(jv) ||
			    json_integer_value(jv) != iv)
				return "an integer reads differently";
		} else {
			double jd = json_number_value(jv);
			if (!(jd == dv || (isnan(jd) && isnan(dv))))
				return "a real reads differently";
		}
		return NULL;
	}
	if ((int)json_typeof(jv) != jt[f->type])
		return "a value has another type for jansson";
	if (f->type == ST_J_STRING) {
		st_buf b = ST_BUF_INIT;
		st_json_unescape(f->val + 1, f->vlen - 2, &b);
		int same = b.len == json_string_length(jv) &&
		    memcmp(b.data ? b.data : "", json_string_value(jv),
		    b.len) == 0;
		st_buf_release(&b);
		return same ? NULL : "a string decodes differently";
	}
	json_t *again = json_loadb(f->val, f->vlen, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	int same = again != NULL && json_equal(again, jv);
	json_decref(again);
	return same ? NULL : "a value differs from jansson's";
}

static const char *
json_oracle_check(const char *p, size_t n)
{
	st_fields f = { 0 };
	st_json_err e;
	json_error_t je;
	const char *why = NULL;

	int ours = st_json_scan_object(p, n, &f, &e) == 0;
	json_t *j = json_loadb(p, n, JSON_ALLOW_NUL, &je);
	int theirs = j != NULL && json_is_object(j);
	int depth = oracle_depth(p, n);

	if (!ours && !theirs)
		goto validate;
	if (ours && !theirs) {
		if (j == NULL && oracle_range_error(&je))
			goto validate;
		why = "the scanner accepts what jansson rejects";
		goto out;
	}
	if (!ours && theirs) {
		if (depth > 512 && strcmp(e.msg, "nesting too deep") == 0)
			goto validate;
		if (oracle_nul_quirk(p, n, &e))
			goto validate;
		why = "the scanner rejects what jansson accepts";
		goto out;
	}
	/* Both accept: the members, last duplicate winning. */
	json_t *seen = json_object();
	for (uint32_t i = f.n; i-- > 0;) {
		st_buf k = ST_BUF_INIT;
		st_json_unescape(f.v[i].key, f.v[i].klen, &k);
		if (!st_json_key_eq(&f.v[i], k.data ? k.data : "", k.len)) {
			why = "st_json_key_eq disagrees with st_json_unescape";
		} else if (json_object_getn(seen, k.data ? k.data : "",
		    k.len) == NULL) {
			json_object_setn_new(seen, k.data ? k.data : "", k.len,
			    json_true());
			json_t *jv = json_object_getn(j, k.data ? k.data : "",
			    k.len);
			if (jv == NULL)
				why = "a member is missing in jansson";
			else
				why = oracle_value(&f.v[i], jv);
		}
		st_buf_release(&k);
		if (why)
			break;
	}
	if (!why && json_object_size(seen) != json_object_size(j))
		why = "jansson has other members";
	json_decref(seen);
	if (why)
		goto out;

validate:;
	/* Any value at the top: st_json_validate against JSON_DECODE_ANY. */
	json_t *a = json_loadb(p, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	int vo = st_json_validate(p, n, &e) == 0;
	if (vo != (a != NULL)) {
		if (a == NULL && oracle_range_error(&je))
			;
		else if (a != NULL && depth > 512)
			;
		else if (a != NULL && oracle_nul_quirk(p, n, &e))
			;
		else
			why = vo ? "st_json_validate accepts what jansson "
			    "rejects" : "st_json_validate rejects what jansson "
			    "accepts";
	}
	json_decref(a);
out:
	json_decref(j);
	st_fields_release(&f);
	return why;
}

#endif
