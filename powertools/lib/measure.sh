# shellcheck shell=sh
# Measurements and processes. The tool shares the target container's PID namespace (targetContainerName), so the
# target's main process is PID 1 here and /proc/1/root is the target's filesystem. Each container has its own
# cgroup and its own mount namespace; the cgroup files the target sees are reached through /proc/1/root
# (which needs ptrace-read access to PID 1: SYS_PTRACE unless the tool runs as the same user with no fewer
# capabilities), and the tool's own cgroup through its own /sys/fs/cgroup.

# toe_cgroup PID|self CONTROLLER: sets toe_cg_dir and toe_cg_ver (1 or 2) for the process's cgroup of CONTROLLER
# (cgroup v1 name, e.g. cpuacct or memory; v2 is used when no v1 hierarchy has it), as a path readable from here.
# Works whatever the view: the cgroup path from /proc/PID/cgroup is mapped through the mount's root in
# /proc/PID/mountinfo (runc without cgroupns mounts the container's own cgroup as the root of /sys/fs/cgroup/X).
toe_cgroup() {
  toe_cg_dir='' toe_cg_ver='' toe_cg_path=''
  if [ "$1" = self ]; then toe__pfx=''; toe__pid=self; else toe__pfx=/proc/$1/root; toe__pid=$1; fi
  toe__cg=$(toe_cgroup_map "/proc/$toe__pid/cgroup" "/proc/$toe__pid/mountinfo" "$toe__pfx" "$2" 2>/dev/null)
  [ -n "$toe__cg" ] || return 1
  toe_cg_ver=${toe__cg%% *}
  toe__cg=${toe__cg#* }
  toe_cg_path=${toe__cg%% *}
  toe_cg_dir=${toe__cg#* }
  [ -d "$toe_cg_dir" ] || { toe_cg_dir=''; return 1; }
}

# toe_cgroup_map CGROUP_FILE MOUNTINFO_FILE PREFIX CONTROLLER: prints "VERSION PATH DIR" for the controller (v1, or
# v2 when no v1 hierarchy has it), DIR being PREFIX + the mount point + the path below the mount's root.
toe_cgroup_map() {
  awk -v want="$4" -v pfx="$3" '
    FNR == 1 { file++ }
    file == 1 {
      i = index($0, ":"); rest = substr($0, i + 1); j = index(rest, ":")
      ctrls = substr(rest, 1, j - 1); path = substr(rest, j + 1)
      n = split(ctrls, c, ",")
      for (k = 1; k <= n; k++) if (c[k] == want) v1 = path
      if (ctrls == "" && substr($0, 1, 2) == "0:") v2 = path
      next
    }
    {
      for (k = 7; k <= NF; k++) if ($k == "-") break
      fstype = $(k + 1); opts = "," $(k + 3) ","
      if (fstype == "cgroup" && index(opts, "," want ",") && v1 != "" && m1 == "") { r1 = $4; m1 = $5 }
      if (fstype == "cgroup2" && m2 == "") { r2 = $4; m2 = $5 }
    }
    function rel(path, root) {
      if (root == "/") return path == "/" ? "" : path
      if (index(path, root) == 1) return substr(path, length(root) + 1)
      return ""
    }
    END {
      if (m1 != "") print "1", v1, pfx m1 rel(v1, r1)
      else if (m2 != "" && v2 != "") print "2", v2, pfx m2 rel(v2, r2)
    }' "$1" "$2"
}

# toe_cpu_ns DIR VER: CPU time used by the cgroup, in nanoseconds.
toe_cpu_ns() {
  if [ "$2" = 1 ]; then
    cat "$1/cpuacct.usage" 2>/dev/null
  else
    awk '$1 == "usage_usec" { printf "%.0f", $2 * 1000 }' "$1/cpu.stat" 2>/dev/null
  fi
}

# toe_mem_bytes DIR VER: memory charged to the cgroup, in bytes.
toe_mem_bytes() {
  if [ "$2" = 1 ]; then cat "$1/memory.usage_in_bytes" 2>/dev/null; else cat "$1/memory.current" 2>/dev/null; fi
}

# toe_anon_bytes DIR VER: anonymous memory of the cgroup (what a process holds), without the page cache that
# usage counts: on a cold machine the first read of a binary or library is charged to the cgroup that read it.
toe_anon_bytes() {
  if [ "$2" = 1 ]; then
    awk '$1 == "total_rss" { print $2; exit }' "$1/memory.stat" 2>/dev/null
  else
    awk '$1 == "anon" { print $2; exit }' "$1/memory.stat" 2>/dev/null
  fi
}

# toe_oom_kills DIR VER: how many processes the OOM killer killed in the cgroup.
toe_oom_kills() {
  if [ "$2" = 1 ]; then toe__f=$1/memory.oom_control; else toe__f=$1/memory.events; fi
  awk '$1 == "oom_kill" { n = $2 } END { print n + 0 }' "$toe__f" 2>/dev/null || echo 0
}

# toe_target_pids: sets toe_value to the PIDs of the target's processes. The target container's first process is
# PID 1 of the PID namespace the tool joined; other tools attached to the same target (perf during a cpu fault)
# are in it too, each in its own mount namespace, so the target's are those in PID 1's mount namespace. When that
# cannot be told (PID 1 unreadable, or the pod's `pause` under shareProcessNamespace) it is every process but the
# tool's own (which share the tool's mount namespace, toe-stop included). Zombies are left out.
toe_target_pids() {
  toe_value=''
  toe__mine=$(readlink /proc/self/ns/mnt)
  toe__target=$(readlink /proc/1/ns/mnt 2>/dev/null) || toe__target=''
  [ "$(cat /proc/1/comm 2>/dev/null)" = pause ] && toe__target=''
  [ "$toe__target" = "$toe__mine" ] && toe__target=''
  for toe__d in /proc/[0-9]*; do
    toe__p=${toe__d#/proc/}
    toe__ns=$(readlink "$toe__d/ns/mnt" 2>/dev/null) || toe__ns=''
    if [ -n "$toe__target" ]; then
      [ "$toe__ns" = "$toe__target" ] || continue
    else
      [ -n "$toe__ns" ] && [ "$toe__ns" = "$toe__mine" ] && continue
    fi
    toe__st=$(awk '$1 == "State:" { print $2 }' "$toe__d/status" 2>/dev/null) || continue
    case $toe__st in ''|Z|X) continue ;; esac
    toe_value="$toe_value${toe_value:+ }$toe__p"
  done
}

# toe_find_process NAME: sets toe_value to the lowest target PID whose comm is NAME (empty when none) and
# toe_count to how many matched.
toe_find_process() {
  toe_target_pids
  toe__all=$toe_value
  toe_value='' toe_count=0
  for toe__p in $toe__all; do
    toe__comm=$(cat "/proc/$toe__p/comm" 2>/dev/null) || continue
    [ "$toe__comm" = "$1" ] || continue
    toe_count=$((toe_count + 1))
    # /proc/[0-9]* is in text order (21 before 3): compare as numbers.
    if [ -z "$toe_value" ] || [ "$toe__p" -lt "$toe_value" ]; then toe_value=$toe__p; fi
  done
  return 0
}

# toe_sample FIELDS: append {"t":"<now>",FIELDS} to the samples artifact (registered by the tool as samples.jsonl).
toe_sample() {
  printf '{"t":"%s",%s}\n' "$(toe_now)" "$1" >> "$toe_outdir/samples.jsonl"
}
