#!/bin/sh
# cpu: load N CPUs at P% for the duration with stress-ng, inside the target pod (the load is charged to the pod's
# cgroup and bounded by its limits), and measure the CPU the target container and the tool use, every second.
set -u
toe_lib=${0%/*}/../lib
. "$toe_lib/toe.sh"

workers=1
load=100
on_arg() {
  case $1 in
    workers) toe_need_value "$1" "$3" && toe_int "$1" "$2" 1 4 && workers=$2 ;;
    load) toe_need_value "$1" "$3" && toe_percent "$1" "$2" 1 100 && load=$toe_value ;;
    *) toe_unknown "$1" "--workers --load" ;;
  esac
}

toe_nice=0
toe_start cpu "$@"
requested=$((workers * load * 10))
if [ -n "$toe_cpu_limit_m" ] && [ "$requested" -gt "$toe_cpu_limit_m" ]; then
  toe_refuse "--workers=$workers at --load=$load asks for ${requested}m, more than the tool's CPU budget of ${toe_cpu_limit_m}m (TOE_CPU_LIMIT)"
fi
toe_artifact samples.jsonl text

# The target container's cgroup (via /proc/1/root) and the tool's own; both are charged to the pod.
toe_cgroup 1 cpuacct && t_dir=$toe_cg_dir t_ver=$toe_cg_ver t_path=$toe_cg_path || t_dir=''
toe_cgroup self cpuacct && s_dir=$toe_cg_dir s_ver=$toe_cg_ver s_path=$toe_cg_path || s_dir=''
[ -n "$t_dir" ] && [ -n "$s_dir" ] && [ "$t_ver:$t_path" = "$s_ver:$s_path" ] && s_dir=''
[ -n "$t_dir" ] || echo "cpu: the target's cgroup is not readable through /proc/1/root (SYS_PTRACE?); measuring the tool only" >> "$toe_log"

read_cpu() {
  toe_uptime_cs
  now_cs=$toe_cs
  t_ns=0 s_ns=0
  [ -n "$t_dir" ] && t_ns=$(toe_cpu_ns "$t_dir" "$t_ver")
  [ -n "$s_dir" ] && s_ns=$(toe_cpu_ns "$s_dir" "$s_ver")
  : "${t_ns:=0}" "${s_ns:=0}"
}

# millicores NS_DELTA CS_DELTA
millicores() { [ "$2" -gt 0 ] && echo $(($1 / ($2 * 10000))) || echo 0; }

# sample_cpu: one sample of the CPU used since the last one. cpuMillicores: what this pod's target and tool
# containers use together (the tool's alone when the target's cgroup cannot be read; "measured" says which).
sample_cpu() {
  read_cpu
  dcs=$((now_cs - prev_cs))
  tm=$(millicores $((t_ns - prev_t)) "$dcs")
  sm=$(millicores $((s_ns - prev_s)) "$dcs")
  prev_cs=$now_cs prev_t=$t_ns prev_s=$s_ns
  if [ -n "$t_dir" ]; then
    fields="\"cpuMillicores\":$((tm + sm)),\"targetCpuMillicores\":$tm,\"toolCpuMillicores\":$sm"
  else
    fields="\"cpuMillicores\":$sm,\"toolCpuMillicores\":$sm,\"measured\":\"tool\""
  fi
  toe_sample "$fields"
}

# A baseline first (a tenth of the run, 1-2 s, one sample a second), so that a report can set the load against what
# the pod used before it; the fault window the tool reports starts after it.
read_cpu
prev_cs=$now_cs prev_t=$t_ns prev_s=$s_ns
toe_remaining
base=$((toe_value / 10))
[ "$base" -gt 2 ] && base=2
[ "$base" -lt 1 ] && base=1
i=0
while [ "$i" -lt "$base" ] && ! toe_stopping; do
  toe_sleep 1
  sample_cpu
  i=$((i + 1))
done
# Times have whole seconds: start the fault in the second after the last baseline sample's, so none straddles.
last=$(toe_now)
while [ "$(toe_now)" = "$last" ]; do toe_sleep 0.1; done
fault_started=$(toe_now)
toe_remaining
toe_spawn stress-ng --cpu "$workers" --cpu-load "$load" --timeout "$((toe_value + 5))s" --temp-path "$toe__state" \
  >>"$toe_log" 2>&1
stress=$toe_pid
read_cpu
first_cs=$now_cs first_t=$t_ns first_s=$s_ns
prev_cs=$now_cs prev_t=$t_ns prev_s=$s_ns

tick() {
  sample_cpu
  toe_alive "$stress" stress-ng
}

toe_loop tick
toe_stop_pid "$stress"
fault_ended=$(toe_now)
read_cpu
dcs=$((now_cs - first_cs))
tool_avg=$(millicores $((s_ns - first_s)) "$dcs")
effect="\"faultStartedAt\":\"$fault_started\",\"faultEndedAt\":\"$fault_ended\",\"requestedMillicores\":$requested,\"workers\":$workers,\"loadPercent\":$load,\"seconds\":$((dcs / 100)),\"toolCpuMillicores\":$tool_avg"
if [ -n "$t_dir" ]; then
  target_avg=$(millicores $((t_ns - first_t)) "$dcs")
  effect="$effect,\"targetCpuMillicores\":$target_avg,\"cpuMillicores\":$((target_avg + tool_avg))"
fi
toe_effect="{$effect}"
[ -n "$toe_message" ] || toe_message="loaded $workers CPU(s) at $load% for $((dcs / 100)) s"
toe_finish "$toe_reason"
