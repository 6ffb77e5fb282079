#!/bin/sh
# node: CPU and sampling heap profiles of a running Node.js process, through its inspector on the pod's loopback
# (which the ephemeral container shares). The inspector is opened the way `node inspect -p` does it, with SIGUSR1,
# and closed again at the end, after a stop too; one that was already open is left open. The profiles come from
# V8 itself (`Profiler`, `HeapProfiler.startSampling`), so they name JavaScript functions with their scripts and
# lines. A stop ends the profiles early and keeps them, marked partial.
set -u
toe_lib=${0%/*}/../lib
. "$toe_lib/toe.sh"

port=9229
profile=both
process=node
on_arg() {
  case $1 in
    port) toe_need_value "$1" "$3" && toe_int "$1" "$2" 1024 65535 && port=$2 ;;
    profile) toe_need_value "$1" "$3" && toe_enum "$1" "$2" cpu heap both && profile=$2 ;;
    process) toe_need_value "$1" "$3" && toe_name "$1" "$2" 15 && process=$2 ;;
    *) toe_unknown "$1" "--port --profile --process" ;;
  esac
}

toe_start node "$@"
toe_find_process "$process"
[ -n "$toe_value" ] || toe_refuse "no process named $process runs in the target container"
pid=$toe_value
url=http://127.0.0.1:$port
listening() { curl -sf --max-time 2 -o /dev/null "$url/json/list" 2>/dev/null; }

opened=0
if ! listening; then
  kill -USR1 "$pid" 2>>"$toe_log" || toe_refuse "cannot signal PID $pid ($process) to open its inspector"
  opened=1
  waited=0
  until listening; do
    waited=$((waited + 1))
    [ "$waited" -le 25 ] || toe_error "PID $pid ($process) did not open an inspector on 127.0.0.1:$port after SIGUSR1 (started with --disable-sigusr1, or with another --inspect-port?)"
    sleep 0.2
  done
fi

# The inspector client (inspect.mjs, beside this script in the image and in the source tree).
client_js=${0%/*}/inspect.mjs
inspect() { node --experimental-websocket --no-warnings "$client_js" "$@"; }

# close_inspector: what we opened is closed again, whatever happened in between.
close_inspector() {
  [ "$opened" = 1 ] && listening || return 0
  inspect "$url" 0 close - 1 > /dev/null 2>>"$toe_log"
}

# The profiles end 4 s before the deadline: the client's own start, Profiler.stop and writing the profiles take
# seconds on a busy node, and a run cut by its deadline would mark complete profiles partial.
toe_remaining
secs=$((toe_value - 4))
[ "$secs" -ge 1 ] || secs=1
mkdir -p "$toe__state/prof"
toe_spawn node --experimental-websocket --no-warnings "$client_js" "$url" "$secs" "$profile" "$toe__state/prof" "$opened" \
  > "$toe__state/client.out" 2>>"$toe_log"
client=$toe_pid
tick() { kill -0 "$client" 2>/dev/null; }
toe_loop tick
# A stop (or the deadline) ends the profiles early; the client saves them first.
kill -0 "$client" 2>/dev/null && kill -TERM "$client" 2>/dev/null
toe_wait_pid "$client" 6 || { kill -KILL "$client" 2>/dev/null; wait "$client" 2>/dev/null; toe_partial=true; }
code=0
wait "$client" 2>/dev/null || code=$?
listening && close_inspector
left_open=false
[ "$opened" = 1 ] && listening && left_open=true

for f in cpu.cpuprofile heap.heapprofile; do
  [ -s "$toe__state/prof/$f" ] || continue
  toe_artifact "$f" text
  cat "$toe__state/prof/$f" > "$toe_path"
done
[ -s "$toe__state/prof/cpu.cpuprofile" ] || [ -s "$toe__state/prof/heap.heapprofile" ] ||
  toe_error "no profile was taken: $(tail -n 2 "$toe_log" | tr '\n' ' ')"
toe_effect="{\"runtime\":\"node\",\"pid\":$pid,\"port\":$port,\"profile\":\"$profile\",\"openedInspector\":$([ "$opened" = 1 ] && echo true || echo false),\"inspectorLeftOpen\":$left_open}"
[ "$left_open" = true ] && toe_partial=true && toe_message="the inspector of PID $pid could not be closed again: it still listens on 127.0.0.1:$port"
[ -n "$toe_message" ] || toe_message="$profile profile(s) of PID $pid ($process) through its inspector on 127.0.0.1:$port$([ "$opened" = 1 ] && echo ', opened with SIGUSR1 and closed again')"
toe_finish "$toe_reason"
