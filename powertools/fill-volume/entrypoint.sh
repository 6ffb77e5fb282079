#!/bin/sh
# fill-volume: fill a volume of the target pod (mounted here at TOE_VOLUME_PATH) to P% for the duration, then
# give the space back.
#
# The fill file can never outlive the tool: it is opened and unlinked at once, and the space is held only through
# the open descriptor, so the kernel frees it when the last holder exits, however that happens (normal end,
# SIGTERM, deadline, or SIGKILL when the target's PID 1 dies or the pod is deleted). `df` and the application see
# the space used; `ls` does not see a file.
set -u
toe_lib=${0%/*}/../lib
. "$toe_lib/toe.sh"

percent=80
max_bytes=1073741824
# Never more than this, whatever the config says: a full volume breaks more than the target.
hard_cap=95
on_arg() {
  case $1 in
    percent) toe_need_value "$1" "$3" && toe_percent "$1" "$2" 1 "$hard_cap" && percent=$toe_value ;;
    max-bytes) toe_need_value "$1" "$3" && toe_quantity "$1" "$2" 1048576 1099511627776 && max_bytes=$toe_value ;;
    *) toe_unknown "$1" "--percent --max-bytes" ;;
  esac
}

toe_start fill-volume "$@"
vol=${TOE_VOLUME_PATH:-/toe/volume}
[ -d "$vol" ] || toe_refuse "no volume at $vol: the PowerTool must name the target pod's volume in spec.volume"
fill=$vol/.toe-fill-$toe_run
# Left by a run of this PowerTool that could not finish (older tools kept the file visible).
rm -f "$fill" "$fill.tmp"

# statfs: sets bsize, total, used, avail (bytes), as df computes them.
volstat() {
  set -- $(stat -f -c '%S %b %f %a' "$vol")
  total=$(($1 * $2)) used=$(($1 * ($2 - $3))) avail=$(($1 * $4))
}
volstat
base_used=$used
base_size=$((used + avail))
[ "$base_size" -gt 0 ] || toe_refuse "$vol reports no usable size"
goal=$(( (used + avail) / 100 * percent ))
need=$((goal - used))
[ "$need" -lt 0 ] && need=0
if [ "$need" -gt "$max_bytes" ]; then
  toe_refuse "filling $vol to $percent% needs $(toe_bytes_text "$need"), more than --max-bytes=$(toe_bytes_text "$max_bytes") (is this volume the node's own disk?)"
fi
toe_artifact samples.jsonl text

# A failed redirection on exec would end the shell without a result: probe first.
( true > "$fill" ) 2>>"$toe_log" || toe_error "cannot create $fill: is the volume writable (DAC_OVERRIDE for a volume owned by another user)?"
exec 3<>"$fill"
rm -f "$fill"
method=none
writer=''
if [ "$need" -gt 0 ]; then
  if fallocate -l "$need" /proc/self/fd/3 2>>"$toe_log"; then
    method=fallocate
  else
    # No fallocate here: write zeros through the descriptor in the background, 64 KiB at a time.
    method=write
    toe_spawn dd if=/dev/zero bs=65536 count=$((need / 65536)) 1>&3 2>>"$toe_log"
    writer=$toe_pid
  fi
fi

peak=$used
tick() {
  volstat
  [ "$used" -gt "$peak" ] && peak=$used
  toe_sample "\"volumeUsedBytes\":$used,\"volumeTotalBytes\":$total"
}

release() {
  [ -n "$writer" ] && toe_stop_pid "$writer"
  exec 3<&-
  rm -f "$fill"
}

toe_loop tick
release
volstat
toe_sample "\"volumeUsedBytes\":$used,\"volumeTotalBytes\":$total"
filled=$((peak - base_used))
toe_effect="{\"requestedPercent\":$percent,\"requestedBytes\":$need,\"method\":\"$method\",\"volumeTotalBytes\":$total,\"baselineUsedBytes\":$base_used,\"peakUsedBytes\":$peak,\"filledBytes\":$filled,\"peakPercent\":$((peak * 100 / base_size)),\"afterUsedBytes\":$used}"
[ -n "$toe_message" ] || toe_message="filled $(toe_bytes_text "$filled") ($method) to reach $percent% of $vol, held it, and released it"
toe_finish "$toe_reason"
