#!/bin/sh
# signal: send SIGTERM or SIGKILL to the target container's main process (PID 1 here) or to a process by name,
# after checking that the kernel will deliver it; when it will not, say why and do nothing (exit 2,
# SignalNotDeliverable).
#
# Why a signal may not be deliverable: the kernel only delivers a signal sent from inside a PID namespace to that
# namespace's init (PID 1) if init installed a handler for it, so SIGKILL and SIGSTOP never arrive and an unhandled
# SIGTERM is dropped (kernel/signal.c, sig_task_ignored() with SIGNAL_UNKILLABLE; pid_namespaces(7)). The tool
# shares the target's PID namespace, so the check reads /proc/1/status (SigCgt, SigIgn) first.
set -u
toe_lib=${0%/*}/../lib
. "$toe_lib/toe.sh"

signal=SIGTERM
process=''
on_arg() {
  case $1 in
    signal) toe_need_value "$1" "$3" && toe_enum "$1" "$2" SIGTERM SIGKILL && signal=$2 ;;
    process) toe_need_value "$1" "$3" && toe_name "$1" "$2" 15 && process=$2 ;;
    *) toe_unknown "$1" "--signal --process" ;;
  esac
}

toe_start signal "$@"
case $signal in SIGTERM) signum=15 ;; SIGKILL) signum=9 ;; esac

if [ -n "$process" ]; then
  toe_find_process "$process"
  pid=$toe_value
  matched=$toe_count
else
  pid=1
  matched=1
fi

effect() { # DELIVERABLE EXTRA
  toe_effect="{\"signal\":\"$signal\",\"pid\":${pid:-0},\"process\":\"$(toe_json_text "$comm" 15)\",\"matched\":$matched,\"deliverable\":$1$2}"
}

# A route that can deliver what the namespace cannot: not provided. An admin who runs a node-level agent (one
# that can signal the container's init from the host PID namespace, or stop the container through the CRI) can set
# SIGNAL_NODE_ROUTE in the PowerToolConfig's env to an executable in the tool image; it gets the signal and the
# target's identity as arguments and exits 0 once the signal was delivered. Users cannot set env, so this stays an
# admin decision, with the agent's privileges documented next to it.
node_route() {
  [ -n "${SIGNAL_NODE_ROUTE:-}" ] || return 1
  "$SIGNAL_NODE_ROUTE" "$signal" "${TOE_NAMESPACE:-}" "${TOE_POD:-}" "${TOE_POD_UID:-}" "${TOE_TARGET_CONTAINER:-}" "$pid" >>"$toe_log" 2>&1
}

not_deliverable() {
  why=$1
  if node_route; then
    toe_message="$why; delivered through the node-level route $SIGNAL_NODE_ROUTE"
    effect true ",\"delivered\":true,\"route\":\"node\""
    toe_finish Completed
  fi
  toe_message="$signal cannot be delivered to PID $pid ($comm): $why. Nothing was done."
  effect false ",\"delivered\":false"
  toe__result SignalNotDeliverable false 2
}

comm=''
if [ -z "$pid" ]; then
  comm=$process
  pid=0
  not_deliverable "no process named $process runs in the target container"
fi
comm=$(cat "/proc/$pid/comm" 2>/dev/null) || not_deliverable "the process is gone"
status=$(cat "/proc/$pid/status" 2>/dev/null) || not_deliverable "the process is gone"
field() { printf '%s\n' "$status" | awk -v k="$1:" '$1 == k { print $2 }'; }
state=$(field State)
cgt=$(field SigCgt) ign=$(field SigIgn)
caught=$(( 0x${cgt#????????} >> (signum - 1) & 1 ))
ignored=$(( 0x${ign#????????} >> (signum - 1) & 1 ))

case $state in Z|X) not_deliverable "it has already exited (state $state)" ;; esac
if [ "$pid" = 1 ]; then
  [ "$signum" = 9 ] && not_deliverable "it is PID 1 of its PID namespace, and the kernel never delivers SIGKILL to a namespace's init from inside the namespace; a node-level route is needed and none is configured"
  [ "$ignored" = 1 ] && not_deliverable "it is PID 1 of its PID namespace and ignores $signal"
  [ "$caught" = 1 ] || not_deliverable "it is PID 1 of its PID namespace and has no handler for $signal, so the kernel drops it"
elif [ "$ignored" = 1 ]; then
  not_deliverable "it ignores $signal"
fi
kill -0 "$pid" 2>/dev/null || not_deliverable "the tool may not signal it (another user: the tool needs CAP_KILL)"

toe_artifact samples.jsonl text
start=$(awk '{ print $22 }' "/proc/$pid/stat")
alive() {
  [ "$(awk '{ print $22 }' "/proc/$pid/stat" 2>/dev/null)" = "$start" ] || return 1
  case $(awk '$1 == "State:" { print $2 }' "/proc/$pid/status" 2>/dev/null) in Z|X|'') return 1 ;; esac
}
toe_sample "\"targetPid\":$pid,\"targetAlive\":true"
effect true ",\"delivered\":true,\"exited\":false"
toe_message="sent $signal to PID $pid ($comm)"
# If PID 1 exits on this signal, every process of its namespace is killed, this one too: publish first.
toe_provisional Completed
kill -s "${signal#SIG}" "$pid" 2>>"$toe_log" || {
  alive || not_deliverable "it exited before the signal reached it"
  toe_message="kill $signal PID $pid failed: $(tail -n 1 "$toe_log")"
  effect true ",\"delivered\":false"
  toe_error "$toe_message"
}

waited=0
tick() {
  waited=$((waited + 1))
  if alive; then
    toe_sample "\"targetPid\":$pid,\"targetAlive\":true"
    # Watch for an exit for at most 10 s: a handler may take its time, and that is the target's business.
    [ "$waited" -lt 10 ]
  else
    toe_sample "\"targetPid\":$pid,\"targetAlive\":false"
    return 1
  fi
}
toe_loop tick
if alive; then
  effect true ",\"delivered\":true,\"exited\":false"
  toe_message="sent $signal to PID $pid ($comm); it was still running ${waited} s later"
else
  effect true ",\"delivered\":true,\"exited\":true,\"secondsToExit\":$waited"
  toe_message="sent $signal to PID $pid ($comm); it exited within ${waited} s"
fi
# The signal was delivered: a stop or the deadline while watching does not make the result partial.
[ "$toe_reason" = Completed ] || toe_reason=Completed
toe_finish "$toe_reason"
