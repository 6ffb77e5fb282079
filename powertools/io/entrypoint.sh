#!/bin/sh
# io: disk I/O pressure on a volume of the target pod (mounted here at TOE_VOLUME_PATH) for the duration, with
# stress-ng's hdd or iomix stressor, bounded by workers and bytes; measured every second.
#
# Nothing is left on the volume however the tool ends: stress-ng unlinks each work file right after it opens it,
# so the data lives only through open descriptors and the kernel frees it when the workers exit (SIGKILL
# included). What is visible is one directory per run, `.toe-io_XXXXXX`, holding stress-ng's empty per-worker
# directories: removed on every normal end, stop and deadline, and, after a SIGKILL, by the next io run on the
# volume. A run holds a flock on its directory through a descriptor its workers inherit, so a directory nobody
# holds is a dead run's, whichever pod or PID namespace it came from (PIDs are no proof: a restarted container
# gets a new PID namespace where an old PID may be alive again).
set -u
toe_lib=${0%/*}/../lib
. "$toe_lib/toe.sh"

mode=hdd
workers=1
bytes=67108864
on_arg() {
  case $1 in
    mode) toe_need_value "$1" "$3" && toe_enum "$1" "$2" hdd iomix && mode=$2 ;;
    workers) toe_need_value "$1" "$3" && toe_int "$1" "$2" 1 4 && workers=$2 ;;
    bytes) toe_need_value "$1" "$3" && toe_quantity "$1" "$2" 1048576 68719476736 && bytes=$toe_value ;;
    *) toe_unknown "$1" "--mode --workers --bytes" ;;
  esac
}

toe_nice=0
toe_start io "$@"
vol=${TOE_VOLUME_PATH:-/toe/volume}
[ -d "$vol" ] || toe_refuse "no volume at $vol: the PowerTool must name the target pod's volume in spec.volume"

# Work directories of earlier io runs that were killed before they could remove theirs: nobody holds their lock.
for stale in "$vol"/.toe-io_*; do
  [ -d "$stale" ] || continue
  if (exec 9<"$stale" && flock -n 9) 2>/dev/null; then rm -rf "$stale"; fi
done

# statfs: sets total, used, avail (bytes), as df computes them.
volstat() {
  set -- $(stat -f -c '%S %b %f %a' "$vol")
  total=$(($1 * $2)) used=$(($1 * ($2 - $3))) avail=$(($1 * $4))
}
volstat
base_used=$used
# The files may grow to --bytes: leave a tenth of the volume (at least 8 MiB) free for the application.
margin=$(((used + avail) / 10))
[ "$margin" -lt 8388608 ] && margin=8388608
if [ $((bytes + margin)) -gt "$avail" ]; then
  toe_refuse "--bytes=$(toe_bytes_text "$bytes") does not fit in $vol: $(toe_bytes_text "$avail") free, and $(toe_bytes_text "$margin") must stay free"
fi
per_worker=$((bytes / workers))

work=$(mktemp -d "$vol/.toe-io_XXXXXX" 2>>"$toe_log") ||
  toe_error "cannot create a folder in $vol: is the volume writable (DAC_OVERRIDE for a volume owned by another user)?"
# Held until the last of the tool's processes exits (stress-ng inherits the descriptor): see the top.
exec 9<"$work"
flock -n 9 || toe_error "cannot lock $work (flock)"
release() { rm -rf "$work"; }

# hdd: O_DIRECT where the filesystem takes it, so the pressure reaches the device rather than the page cache;
# elsewhere buffered writes with an fsync after each (the files are unlinked, so unsynced pages would never be
# written at all).
method=$mode
if [ "$mode" = hdd ]; then
  if dd if=/dev/zero of="$work/probe" bs=4096 count=1 oflag=direct 2>/dev/null; then
    method=direct opts=direct
  else
    method=fsync opts=fsync
  fi
  rm -f "$work/probe"
fi
toe_artifact samples.jsonl text

# The I/O of the tool's processes (its own mount namespace), from /proc/PID/io: rchar/wchar count what the
# workers read and wrote through system calls, on any filesystem (tmpfs has no block device to count at).
me=$(readlink /proc/self/ns/mnt)
read_io() {
  io_r=0 io_w=0
  for d in /proc/[0-9]*; do
    [ "$(readlink "$d/ns/mnt" 2>/dev/null)" = "$me" ] || continue
    set -- $(awk '$1 == "rchar:" { r = $2 } $1 == "wchar:" { w = $2 } END { printf "%.0f %.0f\n", r, w }' "$d/io" 2>/dev/null)
    [ $# = 2 ] || continue
    io_r=$((io_r + $1)) io_w=$((io_w + $2))
  done
  toe_uptime_cs
  io_cs=$toe_cs
}
read_bytes=0 written=0 peak=$used
read_io
prev_r=$io_r prev_w=$io_w prev_cs=$io_cs
sample_io() {
  read_io
  dr=$((io_r - prev_r)) dw=$((io_w - prev_w)) dcs=$((io_cs - prev_cs))
  # A worker that exited takes its counters with it: count nothing for that second rather than a negative rate.
  [ "$dr" -lt 0 ] && dr=0
  [ "$dw" -lt 0 ] && dw=0
  [ "$dcs" -gt 0 ] || dcs=100
  prev_r=$io_r prev_w=$io_w prev_cs=$io_cs
  read_bytes=$((read_bytes + dr)) written=$((written + dw))
  volstat
  [ "$used" -gt "$peak" ] && peak=$used
  toe_sample "\"toolReadBytesPerSecond\":$((dr * 100 / dcs)),\"toolWriteBytesPerSecond\":$((dw * 100 / dcs)),\"volumeUsedBytes\":$used,\"volumeTotalBytes\":$total"
}

# A baseline second first, so a report can set the pressure against the volume's state before it.
toe_sleep 1
toe_stopping || sample_io
fault_started=$(toe_now)
started_cs=$io_cs
toe_remaining
# --timeout a little past the run's end: the workers cannot outlive the tool even if the entrypoint is killed alone.
if [ "$mode" = hdd ]; then
  toe_spawn stress-ng --hdd "$workers" --hdd-bytes "$per_worker" --hdd-opts "$opts" --timeout "$((toe_value + 5))s" \
    --temp-path "$work" >>"$toe_log" 2>&1
else
  toe_spawn stress-ng --iomix "$workers" --iomix-bytes "$per_worker" --timeout "$((toe_value + 5))s" \
    --temp-path "$work" >>"$toe_log" 2>&1
fi
stress=$toe_pid
read_bytes=0 written=0

tick() {
  sample_io
  toe_alive "$stress" stress-ng
}

toe_loop tick
toe_stop_pid "$stress"
fault_ended=$(toe_now)
release
toe_uptime_cs
secs=$(((toe_cs - started_cs) / 100))
[ "$secs" -gt 0 ] || secs=1
volstat
toe_sample "\"toolReadBytesPerSecond\":0,\"toolWriteBytesPerSecond\":0,\"volumeUsedBytes\":$used,\"volumeTotalBytes\":$total"
toe_effect="{\"faultStartedAt\":\"$fault_started\",\"faultEndedAt\":\"$fault_ended\",\"mode\":\"$mode\",\"method\":\"$method\",\"workers\":$workers,\"fileBytes\":$bytes,\"seconds\":$secs,\"writtenBytes\":$written,\"readBytes\":$read_bytes,\"writeBytesPerSecond\":$((written / secs)),\"readBytesPerSecond\":$((read_bytes / secs)),\"volumeTotalBytes\":$total,\"baselineUsedBytes\":$base_used,\"peakUsedBytes\":$peak,\"afterUsedBytes\":$used}"
[ -n "$toe_message" ] || toe_message="$mode I/O ($method) with $workers worker(s) on $vol for $secs s: wrote $(toe_bytes_text "$written"), read $(toe_bytes_text "$read_bytes")"
toe_finish "$toe_reason"
