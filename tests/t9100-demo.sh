#!/bin/sh
test_description='the README demo (examples/demo.sh) runs and prints the lecture table'
. "$(dirname "$0")/lib.sh"

test_expect_success 'the demo ends with the seed table and its running totals' '
	sh "$SRCDIR/examples/demo.sh" >out 2>err &&
	tail -n 8 out | head -n 7 >actual &&
	cat >expect <<-\EOT &&
	|window                                      |TotalBuy|TotalSell|RTotalBuy|RTotalSell|NetValue|
	+--------------------------------------------+--------+---------+---------+----------+--------+
	|{2019-02-05T10:00:00Z, 2019-02-05T10:15:00Z}|800     |0        |800      |0         |800     |
	|{2019-02-05T10:15:00Z, 2019-02-05T10:30:00Z}|800     |400      |1600     |400       |1200    |
	|{2019-02-05T10:30:00Z, 2019-02-05T10:45:00Z}|900     |0        |2500     |400       |2100    |
	|{2019-02-05T10:45:00Z, 2019-02-05T11:00:00Z}|0       |600      |2500     |1000      |1500    |
	+--------------------------------------------+--------+---------+---------+----------+--------+
	EOT
	test_cmp expect actual &&
	grep -q "09:40:00" out &&
	grep -q "^   2019-02-05T10:00:00Z  800       0 *$" out
'

test_done
