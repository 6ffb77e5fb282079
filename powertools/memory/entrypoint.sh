#!/bin/sh
# memory: hold X bytes inside the target pod for the duration (stress-ng vm, pages touched once then kept), so the
# pod's memory use rises by X and its limit applies; report whether the OOM killer struck.
set -u
toe_lib=${0%/*}/../lib
. "$toe_lib/toe.sh"

bytes=268435456
on_arg() {
  case $1 in
    bytes) toe_need_value "$1" "$3" && toe_quantity "$1" "$2" 1048576 17179869184 && bytes=$toe_value ;;
    *) toe_unknown "$1" "--bytes" ;;
  esac
}

# The memory is the point: run at the target's own priority.
toe_nice=0
toe_start memory "$@"
# stress-ng itself needs about 32 MiB besides what it holds.
overhead=33554432
if [ -n "$toe_data_kb" ] && [ $((bytes + overhead)) -gt $((toe_data_kb * 1024)) ]; then
  toe_refuse "--bytes=$(toe_bytes_text "$bytes") plus 32Mi for stress-ng is more than the tool's memory budget of $(toe_bytes_text $((toe_data_kb * 1024))) (TOE_MEMORY_LIMIT)"
fi
toe_artifact samples.jsonl text

toe_cgroup 1 memory && t_dir=$toe_cg_dir t_ver=$toe_cg_ver t_path=$toe_cg_path || t_dir=''
toe_cgroup self memory && s_dir=$toe_cg_dir s_ver=$toe_cg_ver s_path=$toe_cg_path || s_dir=''
[ -n "$t_dir" ] && [ -n "$s_dir" ] && [ "$t_ver:$t_path" = "$s_ver:$s_path" ] && s_dir=''
[ -n "$t_dir" ] || echo "memory: the target's cgroup is not readable through /proc/1/root (SYS_PTRACE?); measuring the tool only" >> "$toe_log"
s_oom0=0 t_oom0=0
[ -n "$s_dir" ] && s_oom0=$(toe_oom_kills "$s_dir" "$s_ver")
[ -n "$t_dir" ] && t_oom0=$(toe_oom_kills "$t_dir" "$t_ver")
s_base=0
[ -n "$s_dir" ] && s_base=$(toe_mem_bytes "$s_dir" "$s_ver")
# heldBytes counts anonymous memory only (toe_anon_bytes says why); the samples keep what the cgroup is charged.
a_base=0
[ -n "$s_dir" ] && a_base=$(toe_anon_bytes "$s_dir" "$s_ver")
: "${a_base:=0}"
t_base=0
[ -n "$t_dir" ] && t_base=$(toe_mem_bytes "$t_dir" "$t_ver")

toe_remaining
# --oomable: an OOM-killed worker is not restarted, so the kill is seen, reported, and not repeated.
toe_spawn stress-ng --vm 1 --vm-bytes "$bytes" --vm-keep --vm-hang 0 --oomable --timeout "$((toe_value + 5))s" \
  --temp-path "$toe__state" -v >>"$toe_log" 2>&1
stress=$toe_pid
peak=0
a_peak=0
oom=false

tick() {
  t_mem=0 s_mem=0
  [ -n "$t_dir" ] && t_mem=$(toe_mem_bytes "$t_dir" "$t_ver")
  [ -n "$s_dir" ] && s_mem=$(toe_mem_bytes "$s_dir" "$s_ver")
  : "${t_mem:=0}" "${s_mem:=0}"
  [ "$s_mem" -gt "$peak" ] && peak=$s_mem
  a_mem=0
  [ -n "$s_dir" ] && a_mem=$(toe_anon_bytes "$s_dir" "$s_ver")
  [ "${a_mem:-0}" -gt "$a_peak" ] && a_peak=$a_mem
  # memoryBytes: the target and tool containers together (the tool's alone when the target's cgroup cannot be read;
  # "measured" says which).
  if [ -n "$t_dir" ]; then
    fields="\"memoryBytes\":$((t_mem + s_mem)),\"targetMemoryBytes\":$t_mem,\"toolMemoryBytes\":$s_mem"
  else
    fields="\"memoryBytes\":$s_mem,\"toolMemoryBytes\":$s_mem,\"measured\":\"tool\""
  fi
  toe_sample "$fields"
  if ! kill -0 "$stress" 2>/dev/null; then
    wait "$stress" 2>/dev/null
    toe_partial=true
    if oom_killed; then
      oom=true
      toe_message="the OOM killer ended the memory hold after $(( $(wc -l < "$toe_outdir/samples.jsonl") )) s: the pod's memory limit is below what it uses plus $(toe_bytes_text "$bytes")"
    else
      toe_message="stress-ng ended before the run did: $(tail -n 3 "$toe_log")"
    fi
    return 1
  fi
}

oom_killed() {
  [ -n "$s_dir" ] && [ "$(toe_oom_kills "$s_dir" "$s_ver")" -gt "$s_oom0" ] && return 0
  grep -q 'killed by OOM killer\|OOM killer' "$toe_log"
}

toe_loop tick
toe_stop_pid "$stress"
[ "$oom" = true ] || { oom_killed && oom=true; }
t_ooms=0
[ -n "$t_dir" ] && t_ooms=$(( $(toe_oom_kills "$t_dir" "$t_ver") - t_oom0 ))
effect="\"requestedBytes\":$bytes,\"toolBaselineBytes\":$s_base,\"toolPeakBytes\":$peak,\"heldBytes\":$((a_peak - a_base)),\"oomKilled\":$oom"
[ -n "$t_dir" ] && effect="$effect,\"targetBaselineBytes\":$t_base,\"targetOomKills\":$t_ooms"
toe_effect="{$effect}"
[ -n "$toe_message" ] || toe_message="held $(toe_bytes_text $((a_peak - a_base))) of $(toe_bytes_text "$bytes") requested"
toe_finish "$toe_reason"
