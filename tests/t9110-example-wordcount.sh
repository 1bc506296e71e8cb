#!/bin/sh
test_description='the seed socket word count (examples/socket-wordcount.sh) prints Spark console tables'
. "$(dirname "$0")/lib.sh"

test_expect_success 'one table a message, in complete mode' '
	ST_BIN=$ST_BIN sh "$SRCDIR/examples/socket-wordcount.sh" >out 2>err &&
	# st numbers the batches it runs; the no-data batches between them
	# (committed, not shown, as Spark does not run them) take ids too, so
	# the tables are numbered here in the order shown, as Spark numbers.
	awk "/^Batch: / { print \"Batch: \" n++; next } { print }" out |
	sed -n "/^Batch: 0/,/^Batch: 2/p" | sed "\$d" >actual &&
	# two messages, two tables: the table is not shown again at the end
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
	EOT
	test_cmp expect actual
'

test_done
