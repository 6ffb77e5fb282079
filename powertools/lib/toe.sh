# shellcheck shell=sh
# TOE tool runtime, sourced by every powertools/<tool>/entrypoint.sh. POSIX sh for busybox ash (dash works too).
#
# An entrypoint defines on_arg (its allowlist), calls toe_start, registers artifacts, runs toe_loop with a tick
# function, undoes its work and calls toe_finish. This file owns what every tool must do the same way: canonical
# argument parsing (args.sh), SIGTERM/SIGINT/SIGHUP and /toe/bin/toe-stop, the deadline, chunked output in the
# three modes (output.sh), measurements (measure.sh), and the final `TOE-RESULT <json>` line that is also written to
# /dev/termination-log for the operator (README.md "The result").

toe__lib=${toe_lib:-${0%/*}/../lib}
. "$toe__lib/args.sh"
. "$toe__lib/output.sh"
. "$toe__lib/measure.sh"

toe__state=/tmp/toe
toe__signal=''
toe__children=''
toe__finished=0
toe_reason=''
toe_partial=false
toe_message=''
toe_effect='{}'
toe_log=$toe__state/tool.log

# toe_start TOOL "$@": environment, arguments, output, deadline, traps. Refuses (exit 2) on bad arguments.
toe_start() {
  toe_tool=$1
  shift
  if [ "${TOE_CHECK_ARGS:-}" = 1 ]; then
    # Check the arguments only and do nothing else (no state, output or signals): what the bounds test runs, to hold
    # each entrypoint's checks against its config's allowlist.
    toe_refuse() { printf 'refused: %s\n' "$1" >&2; exit 2; }
    toe__parse_args "$@"
    exit 0
  fi
  if ! { mkdir -p "$toe__state" && true > "$toe_log"; } 2>/dev/null; then
    # Nothing else works without it (a read-only root filesystem?): say so in the one line the operator reads.
    toe_log=/dev/null
    toe_error "cannot write $toe__state: the tool needs a writable /tmp (readOnlyRootFilesystem must be false)"
  fi
  echo "$$" > "$toe__state/entrypoint.pid"
  trap 'toe__on_signal TERM' TERM
  trap 'toe__on_signal INT' INT
  trap 'toe__on_signal HUP' HUP
  toe_run=${TOE_RUN_ID:-local}
  toe_pod=${TOE_POD:-$(hostname)}
  toe__safe_word TOE_RUN_ID "$toe_run"
  toe__safe_word TOE_POD "$toe_pod"
  toe_started=$(toe_now)
  toe__parse_args "$@"
  toe__deadline
  toe__output_init
  # Below the target's own priority, so that an observer does not starve what it observes; faults whose load is
  # the point set toe_nice=0 before toe_start.
  [ "${toe_nice:-10}" = 0 ] || renice -n "${toe_nice:-10}" -p "$$" >/dev/null 2>&1 || true
  toe_data_kb=''
  [ -n "${TOE_MEMORY_LIMIT:-}" ] && toe_quantity TOE_MEMORY_LIMIT "$TOE_MEMORY_LIMIT" 1048576 1099511627776 &&
    toe_data_kb=$((toe_value / 1024))
  toe_cpu_limit_m=''
  [ -n "${TOE_CPU_LIMIT:-}" ] && toe_cpu_limit_m=$(toe_millicores "$TOE_CPU_LIMIT")
  return 0
}

toe__on_signal() {
  # Only record it: the loop (or the tool's wait) notices at once, because a trapped signal interrupts `wait`.
  [ -n "$toe__signal" ] || toe__signal=$1
}

# toe_stopping: true once a stop signal has arrived.
toe_stopping() { [ -n "$toe__signal" ]; }

toe__safe_word() {
  case $2 in
    ''|.|..|*[!A-Za-z0-9._-]*) toe_error "$1 must be letters, digits, '.', '_' or '-', got $(toe__show "$2")" ;;
  esac
}

# toe_now: RFC 3339 UTC, second precision.
toe_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# toe_uptime_cs: sets toe_cs to centiseconds since boot (monotonic; no process spawned).
toe_uptime_cs() {
  read -r toe__up _ < /proc/uptime
  toe_cs=$(( ${toe__up%.*} * 100 + 1${toe__up#*.} - 100 ))
}

# The run ends at start + TOE_DURATION_SECONDS, or at TOE_DEADLINE if that comes first (the container may start
# late, after an image pull). A run the deadline cut by more than the usual start-up (2 s, or a tenth of the
# duration if longer) ends as Deadline and is partial; one that lost only its start-up still covered its run.
toe__deadline() {
  toe_duration=${TOE_DURATION_SECONDS:-30}
  toe_int TOE_DURATION_SECONDS "$toe_duration" 0 86400 || toe_error "$toe__why"
  toe__cut=0
  toe__left=$toe_duration
  if [ -n "${TOE_DEADLINE:-}" ]; then
    # RFC 3339 in UTC, with or without fractions of a second ("...T10:00:00Z", "...T10:00:00.123Z").
    case $TOE_DEADLINE in
      *.*Z) toe__dls=${TOE_DEADLINE%%.*}Z ;;
      *) toe__dls=$TOE_DEADLINE ;;
    esac
    toe__dl=$(date -u -D '%Y-%m-%dT%H:%M:%SZ' -d "$toe__dls" +%s 2>/dev/null ||
      date -u -d "$toe__dls" +%s 2>/dev/null) || toe__dl=''
    if [ -n "$toe__dl" ]; then
      toe__rest=$((toe__dl - $(date -u +%s)))
      [ "$toe__rest" -lt 0 ] && toe__rest=0
      if [ "$toe__rest" -lt "$toe__left" ]; then
        toe__slack=$((toe__left / 10))
        [ "$toe__slack" -lt 2 ] && toe__slack=2
        [ $((toe__left - toe__rest)) -gt "$toe__slack" ] && toe__cut=1
        toe__left=$toe__rest
      fi
    fi
  fi
  toe_uptime_cs
  toe__end_cs=$((toe_cs + toe__left * 100))
}

# toe_remaining: sets toe_value to whole seconds left in the run (0 when over).
toe_remaining() {
  toe_uptime_cs
  toe_value=$(( (toe__end_cs - toe_cs + 99) / 100 ))
  [ "$toe_value" -lt 0 ] && toe_value=0
  return 0
}

# toe_spawn CMD...: start CMD in the background under the tool's memory budget; sets toe_pid.
toe_spawn() {
  (
    [ -n "$toe_data_kb" ] && ulimit -d "$toe_data_kb"
    exec "$@"
  ) &
  toe_pid=$!
  toe__children="$toe__children $toe_pid"
}

# toe_sleep SECONDS: sleep unless a stop signal arrives first.
toe_sleep() {
  sleep "$1" &
  toe__sleeper=$!
  wait "$toe__sleeper" 2>/dev/null
  kill "$toe__sleeper" 2>/dev/null
  return 0
}

# toe_wait_pid PID SECONDS: wait for a child to exit, at most SECONDS; returns 1 if it is still running.
toe_wait_pid() {
  toe__w=0
  while kill -0 "$1" 2>/dev/null; do
    [ "$toe__w" -ge $(($2 * 10)) ] && return 1
    sleep 0.1
    toe__w=$((toe__w + 1))
  done
  wait "$1" 2>/dev/null
  return 0
}

# toe_stop_pid PID [SIGNAL [SECONDS]]: ask a child to stop, then kill it after SECONDS (3).
# toe_alive PID NAME: whether the tool's worker still runs; if not, the run is partial and says so with the log's tail.
toe_alive() {
  kill -0 "$1" 2>/dev/null && return 0
  toe_partial=true
  toe_message="$2 ended before the run did: $(tail -n 3 "$toe_log")"
  return 1
}

toe_stop_pid() {
  kill -"${2:-TERM}" "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
  toe_wait_pid "$1" "${3:-3}" || { kill -KILL "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
  return 0
}

# toe_loop TICK: every second, call TICK until it returns non-zero (the tool is done), the run ends, or a
# stop signal arrives; output is flushed every few seconds. Sets toe_reason (Completed, Deadline or Stopped).
toe_loop() {
  toe__tick=0
  toe_uptime_cs
  toe__next_cs=$toe_cs
  while :; do
    # Tick on whole seconds from the start, so that slow ticks on a busy node do not stretch the run.
    toe__next_cs=$((toe__next_cs + 100))
    toe_uptime_cs
    toe__d=$((toe__next_cs - toe_cs))
    if [ "$toe__d" -gt 0 ]; then
      toe_sleep "$((toe__d / 100)).$((toe__d % 100 / 10))$((toe__d % 10))"
    else
      toe__next_cs=$toe_cs
    fi
    if toe_stopping; then toe_reason=Stopped; return 0; fi
    "$1" || { toe_reason=${toe_reason:-Completed}; return 0; }
    toe_uptime_cs
    if [ "$toe_cs" -ge "$toe__end_cs" ]; then
      if [ "$toe__cut" = 1 ]; then toe_reason=Deadline; else toe_reason=Completed; fi
      return 0
    fi
    toe__tick=$((toe__tick + 1))
    [ $((toe__tick % 2)) = 0 ] && toe_flush 0
  done
}

# toe_refuse MESSAGE: bad arguments or a request the tool will not do; nothing was done. Exit 2.
toe_refuse() {
  toe_message="refused: $1"
  toe__result Error false 2
}

# toe_error MESSAGE: the tool failed. Whatever was collected is kept, marked partial. Exit 1.
toe_error() {
  toe_message=$1
  toe__result Error true 1
}

# toe_finish REASON [EXIT]: the normal end. Partial when stopped or cut by the deadline, or if the tool set
# toe_partial=true (the target went away mid-run).
toe_finish() {
  case $1 in
    Stopped|Deadline) toe_partial=true ;;
  esac
  [ "$1" = Stopped ] && [ -z "$toe_message" ] && toe_message="stopped by SIG$toe__signal before the end; the data collected so far is kept"
  [ "$1" = Deadline ] && [ -z "$toe_message" ] && toe_message="the run reached TOE_DEADLINE before the requested duration"
  toe__result "$1" "$toe_partial" "${2:-0}"
}

toe__kill_children() {
  for toe__c in $toe__children; do
    kill -0 "$toe__c" 2>/dev/null && toe_stop_pid "$toe__c"
  done
  toe__children=''
}

# toe__result REASON PARTIAL EXIT: stop children, flush, finalise artifacts, print TOE-RESULT, exit.
toe__result() {
  [ "$toe__finished" = 1 ] && exit "$3"
  toe__finished=1
  trap '' TERM INT HUP
  toe__kill_children
  # What the tool's programs said, for `kubectl logs` (stderr, so the result stays the last stdout line).
  [ -s "$toe_log" ] && tail -c 16384 "$toe_log" >&2
  toe_flush 1 "$2"
  toe__publish "$1" "$2"
  rm -f "$toe__state/entrypoint.pid"
  exit "$3"
}

# toe__publish REASON PARTIAL: the result JSON to result.json (pvc), /dev/termination-log and stdout.
toe__publish() {
  toe__artifacts_json "$2"
  toe__p=$2
  toe__msg=$toe_message
  if [ -n "$toe__unsent" ]; then
    toe__p=true
    toe__msg="$toe__msg (the collector did not get all of:$toe__unsent; see the tool's log)"
  fi
  toe__json="{\"tool\":\"$toe_tool\",\"partial\":$toe__p,\"exitReason\":\"$1\",\"bytes\":$toe__total,\"artifacts\":[$toe__arts],\"effect\":$toe_effect,\"message\":\"$(toe_json_text "$toe__msg" 1000)\"}"
  if [ "${#toe__json}" -gt 4000 ]; then
    toe__json="{\"tool\":\"$toe_tool\",\"partial\":$toe__p,\"exitReason\":\"$1\",\"bytes\":$toe__total,\"artifacts\":[],\"effect\":{},\"message\":\"$(toe_json_text "$toe__msg" 300) (result shortened to fit 4 KiB; see result.json or the logs)\"}"
  fi
  toe__output_close "$toe__json"
  [ -e /dev/termination-log ] && printf '%s' "$toe__json" > /dev/termination-log 2>/dev/null
  printf 'TOE-RESULT %s\n' "$toe__json"
}

# toe_provisional REASON: publish a result now, before an action that may end this process without warning (a
# signal that makes the target's PID 1 exit takes every process of its PID namespace with it). A later
# toe_finish publishes again; its line is the last.
toe_provisional() {
  toe_flush 0
  toe__publish "$1" "$toe_partial"
}

# toe_json_text TEXT [MAX]: TEXT escaped for a JSON string, printable ASCII only, at most MAX characters.
toe_json_text() {
  printf '%s' "$1" | tr '\n\t\r' '   ' | tr -cd '\040-\176' | cut -c "1-${2:-1000}" |
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

# toe_millicores QUANTITY: CPU quantity ("500m", "1.5") as millicores.
toe_millicores() {
  case $1 in
    *m) awk -v n="${1%m}" 'BEGIN { printf "%d", n }' ;;
    *) awk -v n="$1" 'BEGIN { printf "%d", n * 1000 }' ;;
  esac
}
