#!/bin/sh
test_description='functions as in the Spark SQL function reference examples'
. "$(dirname "$0")/lib.sh"

# sel EXPR...: each expression evaluated on one empty record, one JSON
# value a line.
sel() {
	for e in "$@"; do
		echo "{}" | st-select "$e AS v" | jq -c .v || return 1
	done
}

# Spark's CeilExpressionBuilder / FloorExpressionBuilder examples
# (sql/catalyst .../mathExpressions.scala, "ceil" and "floor" in the SQL
# function reference): ceil(3.1411, 3) 3.142, ceil(3.1411, -3) 1000,
# floor(3.1411, 3) 3.141, floor(3.1411, -3) 0, ceil(-0.1) 0, floor(-0.1) -1.
test_expect_success 'floor and ceil with a scale' '
	sel "ceil(-0.1)" "ceil(5)" "ceil(3.1411, 3)" "ceil(3.1411, -3)" \
	    "floor(-0.1)" "floor(5)" "floor(3.1411, 3)" "floor(3.1411, -3)" >actual &&
	printf "%s\n" 0 5 3.142 1000 -1 5 3.141 0 >expect &&
	test_cmp expect actual
'

test_expect_success 'floor and ceil with a scale on columns of every numeric type' '
	echo "{\"d\":-2.5,\"i\":15,\"s\":\"7.25\"}" |
	st-select "floor(d, 0) AS a, ceil(d, 0) AS b, ceil(i, -1) AS c,
	    floor(i, -1) AS e, floor(s, 1) AS f, ceil(d, 5) AS g" >actual &&
	echo "{\"a\":-3,\"b\":-2,\"c\":20,\"e\":10,\"f\":7.2,\"g\":-2.5}" >expect &&
	test_cmp expect actual
'

# RLike's examples (regexpExpressions.scala, "rlike" in the function
# reference), with spark.sql.parser.escapedStringLiterals=false (the
# default): rlike('%SystemDrive%\\Users\\John', '%SystemDrive%\\\\Users.*')
# is true.
test_expect_success 'rlike on a pattern with escaped backslashes, as a call and an operator' '
	cat >exprs <<-\EOT &&
	rlike('"'"'%SystemDrive%\\Users\\John'"'"', '"'"'%SystemDrive%\\\\Users.*'"'"')
	'"'"'%SystemDrive%\\Users\\John'"'"' rlike '"'"'%SystemDrive%\\\\Users.*'"'"'
	regexp('"'"'%SystemDrive%\\Users\\John'"'"', '"'"'%SystemDrive%\\\\Users.*'"'"')
	regexp_like('"'"'%SystemDrive%\\Users\\John'"'"', '"'"'%SystemDrive%\\\\Users.*'"'"')
	rlike('"'"'%SystemDrive%\\Users\\John'"'"', '"'"'%SystemDrive%\\Users.*'"'"')
	EOT
	while IFS= read -r e; do sel "$e" || return 1; done <exprs >actual &&
	printf "%s\n" true true true true false >expect &&
	test_cmp expect actual
'

# Like's and ILike's examples: like('Spark', '_park') is true,
# ilike('Spark', '_Park') is true, like('%SystemDrive%\\Users\\John',
# '\%SystemDrive\%\\\\Users%') is true.
test_expect_success 'like and ilike as calls' '
	cat >exprs <<-\EOT &&
	like('"'"'Spark'"'"', '"'"'_park'"'"')
	ilike('"'"'Spark'"'"', '"'"'_PARK'"'"')
	like('"'"'%SystemDrive%\\Users\\John'"'"', '"'"'\%SystemDrive\%\\\\Users%'"'"')
	like('"'"'a/b'"'"', '"'"'a//b'"'"', '"'"'/'"'"')
	EOT
	while IFS= read -r e; do sel "$e" || return 1; done <exprs >actual &&
	printf "%s\n" true true true true >expect &&
	test_cmp expect actual
'

test_expect_success 'the function forms keep the operators'"'"' errors' '
	test_expect_code 2 st-select "rlike('"'"'a'"'"')" </dev/null 2>err &&
	head -n 1 err >actual &&
	echo "st-select: invalid expression at column 10: expected '"'"','"'"' after '"'"''"'"'a'"'"''"'"', found '"'"')'"'"'" >expect &&
	test_cmp expect actual
'

test_done
