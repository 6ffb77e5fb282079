#!/bin/sh
# strace: a syscall summary (`strace -c -f`) or a filtered trace (`strace -f -tt -T`) of the target container's
# main process (PID 1 here) or of a process by name, for the duration.
#
# The summary is collected in 5 s slices, each a complete `-c` table appended to strace.summary (readers sum the
# rows by name), so an abrupt end loses at most the last slice; between slices strace re-attaches, which misses a
# few milliseconds. The trace is one strace run whose output file is streamed as it grows, up to --max-size.
set -u
toe_lib=${0%/*}/../lib
. "$toe_lib/toe.sh"

mode=summary
class=all
process=''
max_size=33554432
slice=5
on_arg() {
  case $1 in
    mode) toe_need_value "$1" "$3" && toe_enum "$1" "$2" summary trace && mode=$2 ;;
    syscalls) toe_need_value "$1" "$3" && toe_enum "$1" "$2" all file network process signal ipc memory desc && class=$2 ;;
    process) toe_need_value "$1" "$3" && toe_name "$1" "$2" 15 && process=$2 ;;
    max-size) toe_need_value "$1" "$3" && toe_quantity "$1" "$2" 1048576 1073741824 && max_size=$toe_value ;;
    *) toe_unknown "$1" "--mode --syscalls --process --max-size" ;;
  esac
}

toe_start strace "$@"
if [ -n "$process" ]; then
  toe_find_process "$process"
  [ -n "$toe_value" ] || toe_refuse "no process named $process runs in the target container"
  pid=$toe_value
else
  pid=1
fi
comm=$(cat "/proc/$pid/comm" 2>/dev/null) || toe_refuse "PID $pid is gone"

# run_strace OUT EXTRA...: strace on the target, following forks, into OUT.
run_strace() {
  out=$1
  shift
  [ "$class" = all ] || set -- "$@" -e "trace=%$class"
  toe_spawn strace -q -f -p "$pid" -o "$out" "$@" 2>>"$toe_log"
  strace_pid=$toe_pid
}

if [ "$mode" = summary ]; then
  toe_artifact strace.summary text
  art=$toe_path
  part=$toe__state/slice.summary
  slices=0
  start_slice() { true > "$part"; run_strace "$part" -c; slice_left=$slice; }
  end_slice() {
    toe_stop_pid "$strace_pid"
    [ -s "$part" ] && cat "$part" >> "$art" && slices=$((slices + 1))
    return 0
  }
  start_slice
  tick() {
    slice_left=$((slice_left - 1))
    if ! kill -0 "$strace_pid" 2>/dev/null; then
      end_slice
      toe_partial=true
      toe_message="the traced process $pid ($comm) exited or could not be traced: $(tail -n 2 "$toe_log")"
      return 1
    fi
    [ "$slice_left" -gt 0 ] && return 0
    end_slice
    toe_remaining
    [ "$toe_value" -gt 0 ] && start_slice
    return 0
  }
  toe_loop tick
  kill -0 "$strace_pid" 2>/dev/null && end_slice
  toe_effect="{\"pid\":$pid,\"process\":\"$(toe_json_text "$comm" 15)\",\"mode\":\"summary\",\"syscalls\":\"$class\",\"slices\":$slices}"
else
  toe_artifact strace.trace text
  art=$toe_path
  run_strace "$art" -tt -T
  truncated=false
  tick() {
    if toe_size_reached "$art" "$max_size" "the trace"; then
      truncated=true
      return 1
    fi
    kill -0 "$strace_pid" 2>/dev/null && return 0
    toe_partial=true
    toe_message="the traced process $pid ($comm) exited or could not be traced: $(tail -n 2 "$toe_log")"
    return 1
  }
  toe_loop tick
  toe_stop_pid "$strace_pid"
  toe_effect="{\"pid\":$pid,\"process\":\"$(toe_json_text "$comm" 15)\",\"mode\":\"trace\",\"syscalls\":\"$class\",\"truncated\":$truncated}"
fi
[ -n "$toe_message" ] || toe_message="traced PID $pid ($comm), $mode of $class syscalls"
toe_finish "$toe_reason"
