#!/bin/sh
test_description='the seed socket word count (examples/socket-wordcount.sh) prints Spark console tables'
. "$(dirname "$0")/lib.sh"

test_expect_success 'one table a message, in complete mode' '
	ST_BIN=$ST_BIN sh "$SRCDIR/examples/socket-wordcount.sh" >out 2>err &&
	sed -n "/^Batch: 0/,/^Batch: 2/p" out | sed "\$d" >actual &&
	cat >expect <<-\EOT &&
	Batch: 0
	-------------------------------------------
	+---------+-----+
	|     word|count|
	+---------+-----+
	|    Hello|    1|
	|    Spark|    1|
	|Streaming|    1|
	+---------+-----+

	-------------------------------------------
	Batch: 1
	-------------------------------------------
	+---------+-----+
	|     word|count|
	+---------+-----+
	|    Hello|    2|
	|    Spark|    2|
	|Streaming|    1|
	+---------+-----+

	-------------------------------------------
	EOT
	test_cmp expect actual
'

test_done
