#!/bin/sh
# examples/activity.sh - the lecture's activity-recognition stream
# (smartphone accelerometer readings: Arrival_Time, Creation_Time, Device,
# Index, Model, User, gt, x, y, z) through the transformations the lecture
# shows in Spark: a simple transform, cube averages, event-time windows per
# user, sliding windows, a watermark, and dropDuplicates.
#
#   sh examples/activity.sh
#
# The input is examples/data/activity/: three files, read one per
# micro-batch, as Spark's maxFilesPerTrigger=1 would.
. "$(dirname "$0")/common.sh"
in=$DATA/activity
EVENT_TIME='cast(cast(Creation_Time as double)/1000000000 as timestamp) as event_time'

step "Simple transform (withColumn, where, select), append mode" \
"st-read in/ | st-select --with \"stairs=gt like '%stairs%'\" |
  st-filter 'stairs AND gt IS NOT NULL' | st-select 'gt, model, arrival_time, creation_time'"
st-read --trigger available-now "$in" |
st-select --with "stairs=gt like '%stairs%'" |
st-filter 'stairs AND gt IS NOT NULL' |
st-select 'gt, model, arrival_time, creation_time' |
st-sink --format console

step "cube(\"gt\", \"model\").avg() of x, y and z, complete mode" \
"st-read in/ | st-window --cube gt,model --agg 'avg(x), avg(y), avg(z)' --mode complete"
st-read --trigger available-now "$in" |
st-window --cube gt,model --agg 'avg(x), avg(y), avg(z)' --mode complete |
st-select 'gt, model, round(`avg(x)`, 4) AS `avg(x)`, round(`avg(y)`, 4) AS `avg(y)`,
    round(`avg(z)`, 4) AS `avg(z)`' |
st-sink | jq -sc 'sort_by(.gt, .model) | .[]' | st-sink --format console --num-rows 50

step "Event-time windows per user: 10-minute tumbling windows, complete mode" \
"st-select '*' '$EVENT_TIME' |
  st-window --time event_time --size '10 minutes' --by User --agg 'count(*) AS n' --mode complete"
st-read --trigger available-now "$in" |
st-select '*' "$EVENT_TIME" |
st-window --time event_time --size '10 minutes' --by User \
    --agg 'count(*) AS n' --mode complete |
st-sink | jq -sc 'sort_by(.window.start, .User) | .[]' | st-sink --format console --truncate 0

step "Sliding windows: 10 minutes long, every 5 minutes" \
"st-window --time event_time --size '10 minutes' --slide '5 minutes' --agg 'count(*) AS n, avg(x) AS avg_x'"
st-read --trigger available-now "$in" |
st-select '*' "$EVENT_TIME" |
st-window --time event_time --size '10 minutes' --slide '5 minutes' \
    --agg 'count(*) AS n, avg(x) AS avg_x' --mode complete |
st-select 'window, n, round(avg_x, 4) AS avg_x' |
st-sink | jq -sc 'sort_by(.window.start) | .[]' | st-sink --format console --truncate 0

step "A 5-minute watermark, append mode, one file per micro-batch: each window is
   written once, when the watermark has passed its end; the record of 10:19:53
   that arrives in the third file is too late, dropped and kept in late.json" \
"st-read --max-files-per-trigger 1 in/ | st-watermark --time event_time --delay '5 minutes' |
  st-window --time event_time --size '10 minutes' --by User --agg 'count(*) AS n' --late-output late.json"
st-read --trigger available-now --max-files-per-trigger 1 "$in" |
st-select '*' "$EVENT_TIME" |
st-watermark --time event_time --delay '5 minutes' |
st-window --time event_time --size '10 minutes' --by User \
    --agg 'count(*) AS n' --late-output late.json |
st-sink --format console --truncate 0
printf '   late.json: '
jq -c '{Index, User, event_time}' late.json

step "dropDuplicates(\"User\", \"event_time\") with the watermark: the third file
   repeats reading 9 (a producer retry); it is written once" \
"st-watermark --time event_time --delay '5 minutes' | st-dedup --keys User,event_time --time event_time"
st-read --trigger available-now --max-files-per-trigger 1 "$in" |
st-select '*' "$EVENT_TIME" |
st-watermark --time event_time --delay '5 minutes' |
st-dedup --keys User,event_time --time event_time |
st-select 'Index, User, event_time' |
st-sink | jq -sc 'sort_by(.Index) | .[]' | st-sink --format console --num-rows 30 --truncate 0
