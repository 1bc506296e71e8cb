#!/bin/sh
test_description='st-join: the static table is reloaded when its file changes'
. "$(dirname "$0")/lib.sh"

D=$SRCDIR/tests/data/join

# batch N ID: one batch with one login of user ID.
batch() {
	printf '%s\n' "{\"@st\":\"begin\",\"batch\":$1,\"ts\":1599645600000}" \
		"{\"created_time\":\"2020-09-09 10:1$1:00\",\"login_id\":\"$2\"}" \
		"{\"@st\":\"end\",\"batch\":$1}"
}

test_expect_success 'a change is visible from the next batch (replace by rename)' '
	cp "$D/users.csv" users.csv &&
	mkfifo in &&
	{ st-join --static users.csv --on login_id --drop-right last_login <in >out 2>err & } &&
	pid=$! &&
	trap "kill $pid 2>/dev/null" EXIT &&
	exec 3>in &&
	batch 0 100001 >&3 &&
	wait_for "grep -q \"\\\"batch\\\":0,\\\"progress\\\"\" out" 20 &&
	sed "s/Prashant/Prashant Kumar/" users.csv >users.tmp &&
	mv users.tmp users.csv &&
	batch 1 100001 >&3 &&
	wait_for "grep -q \"\\\"batch\\\":1,\\\"progress\\\"\" out" 20 &&
	printf "login_id,user_name\n100001,Pk\n" >users.csv &&
	batch 2 100001 >&3 &&
	eos >&3 &&
	exec 3>&- &&
	wait $pid &&
	grep -v "^{\"@st\"" out >actual &&
	cat >expect <<-\EOT &&
	{"created_time":"2020-09-09 10:10:00","login_id":"100001","user_name":"Prashant"}
	{"created_time":"2020-09-09 10:11:00","login_id":"100001","user_name":"Prashant Kumar"}
	{"created_time":"2020-09-09 10:12:00","login_id":"100001","user_name":"Pk"}
	EOT
	test_cmp expect actual &&
	grep -o "\"staticVersion\":[0-9]*" out >versions &&
	printf "\"staticVersion\":%s\n" 1 2 3 >expect &&
	test_cmp expect versions
'

test_expect_success 'an unchanged file is not reloaded' '
	cp "$D/users.csv" users.csv &&
	{ batch 0 100001 && batch 1 100009; eos; } >in2 &&
	st-join --static users.csv --on login_id <in2 >out &&
	grep -o "\"staticVersion\":[0-9]*" out >versions &&
	printf "\"staticVersion\":%s\n" 1 1 >expect &&
	test_cmp expect versions
'

test_expect_success 'a static file removed mid-run stops the join (exit 1)' '
	cp "$D/users.csv" gone.csv &&
	rm -f in && mkfifo in &&
	{ st-join --static gone.csv --on login_id <in >out 2>err & } &&
	pid=$! &&
	trap "kill $pid 2>/dev/null" EXIT &&
	exec 3>in &&
	batch 0 100001 >&3 &&
	wait_for "grep -q \"\\\"batch\\\":0,\\\"progress\\\"\" out" 20 &&
	rm gone.csv &&
	# st-join may be gone before the whole batch is written: a subshell
	# takes the SIGPIPE.
	{ (batch 1 100001 >&3) 2>/dev/null || :; } &&
	exec 3>&- &&
	{ wait $pid; rc=$?; } &&
	test $rc = 1 &&
	echo "st-join: cannot open '\''gone.csv'\'': No such file or directory" >expect &&
	test_cmp expect err
'

test_done
