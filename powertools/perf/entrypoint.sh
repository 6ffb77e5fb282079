#!/bin/sh
# perf: sample the CPU stacks of the target container's processes (every process of this PID namespace but the
# tool's own) with the software cpu-clock event (there may be no hardware PMU), for the duration.
#
# Recording runs in 5 s slices; after each, `perf script` appends the slice's stacks to perf.script (the text
# stackcollapse-perf reads), so an abrupt end loses at most the last slice, and processes started meanwhile join
# the next slice. perf resolves symbols from the target's binaries: perf 6.1 cannot open them through
# /proc/<pid>/root itself without entering the target's mount namespace (CAP_SYS_ADMIN), so the executable
# mappings of the target's processes are copied into a private symfs first.
set -u
toe_lib=${0%/*}/../lib
. "$toe_lib/toe.sh"

freq=99
graph=fp
keep_data=0
on_arg() {
  case $1 in
    freq) toe_need_value "$1" "$3" && toe_int "$1" "$2" 1 999 && freq=$2 ;;
    call-graph) toe_need_value "$1" "$3" && toe_enum "$1" "$2" fp dwarf none && graph=$2 ;;
    keep-data) toe_boolean "$1" "$3" && keep_data=1 ;;
    *) toe_unknown "$1" "--freq --call-graph --keep-data" ;;
  esac
}

toe_start perf "$@"
# Some Debian releases ship /usr/bin/perf as a wrapper script that picks perf_<kernel version> by `uname -r`, which
# in a container is the node's kernel, not the package's: use the versioned binary when the image has one.
perf_bin=perf
for p in /usr/bin/perf_[0-9]*; do [ -x "$p" ] && perf_bin=$p; done
# Slice length: an admin setting (PowerToolConfig env), a trade between restart overhead and what an abrupt end
# can lose.
slice=${PERF_SLICE_SECONDS:-5}
toe_int PERF_SLICE_SECONDS "$slice" 1 60 || toe_error "$toe__why"
toe_target_pids
[ -n "$toe_value" ] || toe_error "no target process is visible: is the tool in the target's PID namespace, with SYS_PTRACE?"

symfs=$toe__state/symfs
copied=$toe__state/symfs.list
mkdir -p "$symfs" && true > "$copied"
symfs_bytes=0
symfs_cap=1073741824

# copy_binaries PIDS: copy the executable file mappings of PIDS (and JIT maps, /tmp/perf-<pid>.map) from the
# target's filesystem. Regular files only, each at most 512 MiB, 1 GiB in all: the target controls these files.
copy_binaries() {
  for p in $1; do
    [ -r "/proc/$p/maps" ] || continue
    awk '$2 ~ /x/ && substr($6, 1, 1) == "/" { path = $6; for (i = 7; i <= NF; i++) path = path " " $i; print path }' \
      "/proc/$p/maps" 2>/dev/null | sort -u > "$toe__state/maps"
    while read -r path; do
      case $path in *' (deleted)') continue ;; esac
      grep -qxF "$path" "$copied" && continue
      echo "$path" >> "$copied"
      src=/proc/$p/root$path
      [ -f "$src" ] || continue
      size=$(stat -L -c %s "$src" 2>/dev/null) || continue
      [ "$size" -le 536870912 ] && [ $((symfs_bytes + size)) -le "$symfs_cap" ] || continue
      mkdir -p "$symfs${path%/*}" && cp "$src" "$symfs$path" 2>>"$toe_log" && symfs_bytes=$((symfs_bytes + size))
    done < "$toe__state/maps"
    [ -f "/proc/$p/root/tmp/perf-$p.map" ] && cp "/proc/$p/root/tmp/perf-$p.map" "/tmp/perf-$p.map" 2>/dev/null
  done
  return 0
}

toe_artifact perf.script text
script=$toe_path
if [ "$keep_data" = 1 ]; then
  toe_artifact perf.data.tar binary
  datatar=$toe_path
fi
case $graph in
  fp) graph_args=-g ;;
  dwarf) graph_args=--call-graph=dwarf ;;
  none) graph_args='' ;;
esac
slices=0
samples=0
data=$toe__state/slice.data

start_slice() {
  toe_target_pids
  pids=$toe_value
  if [ -z "$pids" ]; then
    toe_partial=true
    toe_message="the target has no process left to profile"
    return 1
  fi
  copy_binaries "$pids"
  rm -f "$data"
  toe_remaining
  len=$slice
  [ "$toe_value" -lt "$len" ] && len=$toe_value
  [ "$len" -ge 1 ] || len=1
  # The `sleep` workload only times the slice (perf samples the -p processes): ending it ends the slice cleanly.
  # A signal to perf record itself loses the samples still in its buffers (perf 6.1).
  toe_spawn "$perf_bin" record -q -e cpu-clock -F "$freq" ${graph_args:+"$graph_args"} --no-buildid --no-buildid-cache \
    -p "$(echo "$pids" | tr ' ' ',')" -o "$data" -- sleep "$len" 2>"$toe__state/record.err"
  recorder=$toe_pid
  recording=1
}

end_slice() {
  # perf record writes its data on the way out; on a busy node (and reniced) that takes a while. A stopped tool
  # has 10 s in all, so it waits less then.
  if toe_stopping; then budget=4; else budget=15; fi
  for timer in $(cat "/proc/$recorder/task/$recorder/children" 2>/dev/null); do kill "$timer" 2>/dev/null; done
  toe_wait_pid "$recorder" "$budget" || { kill -KILL "$recorder" 2>/dev/null; wait "$recorder" 2>/dev/null; }
  recording=0
  cat "$toe__state/record.err" >> "$toe_log"
  [ -s "$data" ] || return 0
  slices=$((slices + 1))
  copy_binaries "$pids"
  if toe_stopping; then budget=4; else budget=30; fi
  # With CAP_SYS_ADMIN perf enters the target's mount namespace to read its binaries, where our symfs does not
  # exist; without it (the usual PERFMON + SYS_PTRACE) it needs the copies.
  symfs_arg=--symfs=$symfs
  [ $(( 0x$(awk '$1 == "CapEff:" { print substr($2, 9) }' /proc/self/status) >> 21 & 1 )) = 1 ] && symfs_arg=''
  timeout "$budget" "$perf_bin" script -i "$data" ${symfs_arg:+"$symfs_arg"} > "$toe__state/slice.script" 2>>"$toe_log"
  n=$(awk '/^[^ \t]/ { n++ } END { print n + 0 }' "$toe__state/slice.script")
  samples=$((samples + n))
  cat "$toe__state/slice.script" >> "$script"
  if [ "$keep_data" = 1 ]; then
    member=perf.data.$(printf '%04d' "$slices")
    mv "$data" "$toe__state/$member" && tar -c -f - -C "$toe__state" "$member" >> "$datatar" && rm -f "$toe__state/$member"
  fi
  return 0
}

failed() {
  toe_error "perf record failed: $(grep -v '^ *$' "$toe__state/record.err" | head -n 3)"
}
recording=0
start_slice || toe_error "$toe_message"
tick() {
  kill -0 "$recorder" 2>/dev/null && return 0
  end_slice
  [ "$slices" = 0 ] && failed
  toe_remaining
  [ "$toe_value" -gt 0 ] || return 0
  start_slice
}
toe_loop tick
[ "$recording" = 1 ] && end_slice
[ "$slices" = 0 ] && [ "$toe_reason" = Completed ] && failed
toe_effect="{\"event\":\"cpu-clock\",\"freq\":$freq,\"callGraph\":\"$graph\",\"slices\":$slices,\"samples\":$samples,\"pids\":\"$(toe_json_text "${pids:-}" 200)\"}"
[ -n "$toe_message" ] || toe_message="$samples samples in $slices slices of PIDs ${pids:-none}"
toe_finish "$toe_reason"
