#!/bin/sh
test_description='st-window: --cube and --rollup grouping sets, plain and windowed, update and complete, checkpointed'
. "$(dirname "$0")/lib.sh"

batch() {
	_n=$1
	shift
	printf '{"@st":"begin","batch":%s,"ts":0}\n' "$_n"
	[ $# -eq 0 ] || cat "$@"
	printf '{"@st":"end","batch":%s}\n' "$_n"
}
data() { grep -v '^{"@st"' "$@"; }

# The seed's activity data, cut down: gt is the activity, model the phone.
test_expect_success 'setup: activity readings in two batches' '
	cat >a0 <<-\EOT &&
	{"t":"2024-01-01T00:01:00Z","gt":"sit","model":"nexus","x":1}
	{"t":"2024-01-01T00:02:00Z","gt":"sit","model":"s3","x":2}
	{"t":"2024-01-01T00:03:00Z","gt":"walk","model":"nexus","x":4}
	EOT
	cat >a1 <<-\EOT &&
	{"t":"2024-01-01T00:12:00Z","gt":"walk","model":"s3","x":8}
	{"t":"2024-01-01T00:04:00Z","gt":"sit","model":"nexus","x":16}
	EOT
	{ batch 0 a0; batch 1 a1; eos; } >in
'

test_expect_success 'cube, plain, update: every subset of the columns, rolled up as null' '
	st-window --cube gt,model -a "count(*) AS n, sum(x) AS s" <in >out &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":0,"ts":0,"mode":"update","keys":["gt","model"]}
	{"gt":null,"model":null,"n":3,"s":7}
	{"gt":null,"model":"nexus","n":2,"s":5}
	{"gt":null,"model":"s3","n":1,"s":2}
	{"gt":"sit","model":null,"n":2,"s":3}
	{"gt":"sit","model":"nexus","n":1,"s":1}
	{"gt":"sit","model":"s3","n":1,"s":2}
	{"gt":"walk","model":null,"n":1,"s":4}
	{"gt":"walk","model":"nexus","n":1,"s":4}
	{"@st":"begin","batch":1,"ts":0,"mode":"update","keys":["gt","model"]}
	{"gt":null,"model":null,"n":5,"s":31}
	{"gt":null,"model":"nexus","n":3,"s":21}
	{"gt":null,"model":"s3","n":2,"s":10}
	{"gt":"sit","model":null,"n":3,"s":19}
	{"gt":"sit","model":"nexus","n":2,"s":17}
	{"gt":"walk","model":null,"n":2,"s":12}
	{"gt":"walk","model":"s3","n":1,"s":8}
	{"@st":"begin","batch":2,"ts":0,"noData":true,"mode":"update","keys":["gt","model"]}
	{"@st":"eos"}
	EOT
	grep -v "^{\"@st\":\"end\"" out >actual &&
	test_cmp expect actual
'

test_expect_success 'rollup, plain, complete: every prefix of the columns' '
	st-window --rollup gt,model -a "sum(x) AS s" -m complete <in >out &&
	sed "/\"batch\":1,\"progress\"/q" out | data >actual &&
	cat >expect <<-\EOT &&
	{"gt":null,"model":null,"s":7}
	{"gt":"sit","model":null,"s":3}
	{"gt":"sit","model":"nexus","s":1}
	{"gt":"sit","model":"s3","s":2}
	{"gt":"walk","model":null,"s":4}
	{"gt":"walk","model":"nexus","s":4}
	{"gt":null,"model":null,"s":31}
	{"gt":"sit","model":null,"s":19}
	{"gt":"sit","model":"nexus","s":17}
	{"gt":"sit","model":"s3","s":2}
	{"gt":"walk","model":null,"s":12}
	{"gt":"walk","model":"nexus","s":4}
	{"gt":"walk","model":"s3","s":8}
	EOT
	test_cmp expect actual
'

test_expect_success 'cube, windowed, update: the sets in every window' '
	st-window -t t -s 10m --cube gt,model -a "sum(x) AS s" -m update <in >out &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":1,"ts":0,"mode":"update","keys":["window","gt","model"]}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":null,"model":null,"s":23}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":null,"model":"nexus","s":21}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":"sit","model":null,"s":19}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":"sit","model":"nexus","s":17}
	{"window":{"start":"2024-01-01T00:10:00Z","end":"2024-01-01T00:20:00Z"},"gt":null,"model":null,"s":8}
	{"window":{"start":"2024-01-01T00:10:00Z","end":"2024-01-01T00:20:00Z"},"gt":null,"model":"s3","s":8}
	{"window":{"start":"2024-01-01T00:10:00Z","end":"2024-01-01T00:20:00Z"},"gt":"walk","model":null,"s":8}
	{"window":{"start":"2024-01-01T00:10:00Z","end":"2024-01-01T00:20:00Z"},"gt":"walk","model":"s3","s":8}
	EOT
	sed -n "/\"batch\":1,\"ts\"/,/\"batch\":1,\"progress\"/p" out | grep -v "^{\"@st\":\"end\"" >actual &&
	test_cmp expect actual
'

test_expect_success 'rollup, windowed, complete: the whole table every batch' '
	st-window -t t -s 10m --rollup gt,model -a "sum(x) AS s" -m complete <in >out &&
	cat >expect <<-\EOT &&
	{"@st":"begin","batch":1,"ts":0,"mode":"complete","keys":["window","gt","model"]}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":null,"model":null,"s":23}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":"sit","model":null,"s":19}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":"sit","model":"nexus","s":17}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":"sit","model":"s3","s":2}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":"walk","model":null,"s":4}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":"walk","model":"nexus","s":4}
	{"window":{"start":"2024-01-01T00:10:00Z","end":"2024-01-01T00:20:00Z"},"gt":null,"model":null,"s":8}
	{"window":{"start":"2024-01-01T00:10:00Z","end":"2024-01-01T00:20:00Z"},"gt":"walk","model":null,"s":8}
	{"window":{"start":"2024-01-01T00:10:00Z","end":"2024-01-01T00:20:00Z"},"gt":"walk","model":"s3","s":8}
	EOT
	sed -n "/\"batch\":1,\"ts\"/,/\"batch\":1,\"progress\"/p" out | grep -v "^{\"@st\":\"end\"" >actual &&
	test_cmp expect actual
'

test_expect_success 'cube, windowed, append: a window of every set once the watermark passes' '
	st-watermark -t t -d 1m <in |
	st-window -t t -s 10m --cube gt -a "sum(x) AS s" | data >actual &&
	cat >expect <<-\EOT &&
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":null,"s":23}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":"sit","s":19}
	{"window":{"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:10:00Z"},"gt":"walk","s":4}
	{"window":{"start":"2024-01-01T00:10:00Z","end":"2024-01-01T00:20:00Z"},"gt":null,"s":8}
	{"window":{"start":"2024-01-01T00:10:00Z","end":"2024-01-01T00:20:00Z"},"gt":"walk","s":8}
	EOT
	test_cmp expect actual
'

test_expect_success 'a null in the data is its own group, apart from the rolled-up null' '
	printf "%s\n" "{\"gt\":null,\"x\":1}" "{\"gt\":\"sit\",\"x\":2}" |
	st-window --rollup gt -a "sum(x) AS s" -m complete >actual &&
	cat >expect <<-\EOT &&
	{"gt":null,"s":1}
	{"gt":null,"s":3}
	{"gt":"sit","s":2}
	EOT
	test_cmp expect actual
'

for g in cube rollup; do
	test_expect_success "$g: a run split by a restart equals one run (checkpointed state)" "
		st-window -t t -s 10m --$g gt,model -a 'sum(x) AS s, min(model) AS m' -m update --checkpoint $g-one <in | data >expect &&
		{ batch 0 a0; eos; } | st-window -t t -s 10m --$g gt,model -a 'sum(x) AS s, min(model) AS m' -m update --checkpoint $g-two | data >actual &&
		{ batch 1 a1; eos; } | st-window -t t -s 10m --$g gt,model -a 'sum(x) AS s, min(model) AS m' -m update --checkpoint $g-two | data >>actual &&
		test_cmp expect actual
	"
done

test_expect_success 'a checkpoint of a rollup refuses a cube and a plain groupBy' '
	{ batch 0 a0; eos; } | st-window --rollup gt,model -a "sum(x) AS s" --checkpoint q >/dev/null &&
	{ batch 1 a1; eos; } | test_expect_code 1 st-window --cube gt,model -a "sum(x) AS s" --checkpoint q >out 2>err &&
	only_abort out st-window &&
	cat >expect <<-\EOT &&
	st-window: checkpoint '"'"'q'"'"' holds the state of a different query (--cube/--rollup was "rollup", now "cube"); Spark refuses such a change too: use a new checkpoint directory, or the old options
	EOT
	test_cmp expect err &&
	{ batch 1 a1; eos; } | test_expect_code 1 st-window -b gt,model -a "sum(x) AS s" --checkpoint q >out 2>err &&
	only_abort out st-window &&
	grep "(--cube/--rollup was \"rollup\", now not given)" err
'

test_expect_success 'usage: --by, --cube and --rollup do not combine' '
	test_expect_code 2 st-window -b gt --cube model -a "count(*)" </dev/null 2>err &&
	grep "^st-window: --by, --cube and --rollup cannot be combined" err &&
	test_expect_code 2 st-window --rollup gt --cube model -a "count(*)" </dev/null 2>err &&
	grep "^st-window: --by, --cube and --rollup cannot be combined" err
'

test_done
