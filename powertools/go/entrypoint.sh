#!/bin/sh
# go: CPU and heap profiles of a Go program that serves net/http/pprof on the pod's loopback, which the ephemeral
# container shares (the pod's network namespace). Nothing is injected into the program and nothing is changed in it:
# the endpoint is read the way `go tool pprof` reads it.
#
# CPU profiles are taken in slices (`/debug/pprof/profile?seconds=N`, at most 8 per run, each at least 10 s but the
# last, which ends 2 s before the run), every one a standard pprof file of its own (cpu-1.pprof, ...), so an abrupt
# end loses at most the slice in flight and every artifact opens in `go tool pprof`. The heap profile
# (`/debug/pprof/heap`, heap.pprof) is taken at the end, also after a stop.
set -u
toe_lib=${0%/*}/../lib
. "$toe_lib/toe.sh"

port=6060
profile=both
on_arg() {
  case $1 in
    port) toe_need_value "$1" "$3" && toe_int "$1" "$2" 1 65535 && port=$2 ;;
    profile) toe_need_value "$1" "$3" && toe_enum "$1" "$2" cpu heap both && profile=$2 ;;
    *) toe_unknown "$1" "--port --profile" ;;
  esac
}

toe_start go "$@"
base=http://127.0.0.1:$port/debug/pprof
# fetch URL OUT SECONDS: the response body into OUT, or fail (curl's exit code) within SECONDS.
fetch() { curl -sS -f --max-time "$3" -o "$2" "$1" 2>>"$toe_log"; }
fetch "$base/" "$toe__state/index" 5 ||
  toe_refuse "no pprof endpoint answers at 127.0.0.1:$port/debug/pprof/ in the pod (the program must import net/http/pprof and serve it on that port)"

slices=0
cpu_bytes=0
heap_bytes=0
fetching=0
slice=0
part=$toe__state/slice.pprof

start_slice() {
  toe_remaining
  # The program answers a moment after its slice: a slice ends 2 s before the run, or the run's end would cut it.
  left=$((toe_value - 2))
  [ "$left" -ge 1 ] || return 1
  [ "$slice" -gt "$left" ] && slice=$left
  rm -f "$part"
  # curl waits the slice and 15 s more, for a busy node.
  toe_spawn curl -sS -f --max-time $((slice + 15)) -o "$part" "$base/profile?seconds=$slice"
  fetcher=$toe_pid
  fetching=1
}

# end_slice: keep a finished slice as the next cpu-<n>.pprof artifact.
end_slice() {
  fetching=0
  wait "$fetcher" 2>/dev/null
  code=$?
  if [ "$code" != 0 ] || [ ! -s "$part" ]; then
    toe_partial=true
    toe_message="a CPU profile request failed (curl exit $code): the program stopped answering on 127.0.0.1:$port"
    return 1
  fi
  slices=$((slices + 1))
  toe_artifact "cpu-$slices.pprof" binary
  cat "$part" > "$toe_path"
  cpu_bytes=$((cpu_bytes + $(stat -c %s "$part")))
  return 0
}

if [ "$profile" != heap ]; then
  # At most 8 slices, each at least 10 s (shorter only at the end of the run).
  toe_remaining
  planned=$(( (toe_value + 7) / 8 ))
  [ "$planned" -lt 10 ] && planned=10
  slice=$planned
  start_slice || toe_error "the run is too short for a CPU profile (at least 3 s)"
  tick() {
    kill -0 "$fetcher" 2>/dev/null && return 0
    end_slice || return 1
    [ "$slices" -lt 8 ] || return 1
    slice=$planned
    start_slice || return 1
  }
else
  tick() { return 0; }
fi
toe_loop tick
# A stop ends the slice in flight: the program would answer only after its full length, so it is dropped.
[ "$fetching" = 1 ] && toe_stop_pid "$fetcher" TERM 1

if [ "$profile" != cpu ]; then
  if fetch "$base/heap" "$part" 4 && [ -s "$part" ]; then
    toe_artifact heap.pprof binary
    cat "$part" > "$toe_path"
    heap_bytes=$(stat -c %s "$part")
  else
    toe_partial=true
    toe_message="the heap profile request failed: the program stopped answering on 127.0.0.1:$port"
  fi
fi
[ "$profile" != heap ] && [ "$slices" = 0 ] && [ "$toe_reason" = Completed ] && toe_error "${toe_message:-no CPU profile was collected}"
toe_effect="{\"runtime\":\"go\",\"port\":$port,\"profile\":\"$profile\",\"cpuSlices\":$slices,\"cpuBytes\":$cpu_bytes,\"heapBytes\":$heap_bytes}"
[ -n "$toe_message" ] || toe_message="$slices CPU profile slice(s)$([ "$heap_bytes" -gt 0 ] && echo ' and a heap profile') from 127.0.0.1:$port/debug/pprof"
toe_finish "$toe_reason"
