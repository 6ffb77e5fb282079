#!/bin/sh
# network: one network fault in the target pod's network namespace (which the ephemeral container shares), undone at
# the end of the run, on a stop and at the deadline.
#
#   --mode=loss       drop --percent of the packets (iptables statistic), optionally scoped by --cidrs/--ports/--direction
#   --mode=partition  drop every packet to/from --cidrs and/or --ports, in --direction
#   --mode=bandwidth  limit egress to --rate bits/s (tbf on the pod's default-route device)
#   --mode=dns        drop (time out) or reject (fail at once) DNS (UDP and TCP 53) to the pod's resolvers
#   --mode=latency    add --delay (and --jitter) on egress (netem); refused, with nothing done, where the kernel
#                     has no sch_netem
#
# The iptables rules live in chains named for the run (TOE-<8 hex of md5(run id/pod)>-in|out), jumped to from INPUT/OUTPUT
# through one rule each that also matches `-m time --datestop <end of run>`: if the tool dies without undoing them
# (SIGKILL, OOM), the kernel stops applying them at the end of the run anyway. A qdisc has no such bound; it carries
# the handle 7e0e: so that `--undo` (run with the same TOE_RUN_ID and TOE_POD) removes only what this tool added.
set -u
toe_lib=${0%/*}/../lib
. "$toe_lib/toe.sh"

mode='' percent='' cidrs='' ports='' direction=egress rate='' burst='' delay_ms='' jitter_ms=0 action=drop undo=0
handle=7e0e:

# ipv4 NAME VALUE: a dotted-quad address without leading zeros.
ipv4() {
  case $2 in
    *[!0-9.]*|.*|*.|*..*) toe_bad "$1" "$(toe__show "$2") is not an IPv4 address"; return 1 ;;
  esac
  ip_rest=$2 ip_n=0
  while [ -n "$ip_rest" ]; do
    ip_part=${ip_rest%%.*}
    case $ip_rest in *.*) ip_rest=${ip_rest#*.} ;; *) ip_rest='' ;; esac
    ip_n=$((ip_n + 1))
    toe_int "$1" "$ip_part" 0 255 || { toe_bad "$1" "$(toe__show "$2") is not an IPv4 address"; return 1; }
  done
  [ "$ip_n" = 4 ] || toe_bad "$1" "$(toe__show "$2") is not an IPv4 address"
}

# cidr_list NAME VALUE: 1 to 8 comma-separated a.b.c.d/len; /0 (every address) only where the admin allows it.
cidr_list() {
  case $2 in
    ''|,*|*,|*,,*) toe_bad "$1" "$(toe__show "$2") is not a comma-separated list of CIDRs such as 10.0.0.0/8"; return 1 ;;
  esac
  cl_rest=$2 cl_n=0
  while [ -n "$cl_rest" ]; do
    cl_c=${cl_rest%%,*}
    case $cl_rest in *,*) cl_rest=${cl_rest#*,} ;; *) cl_rest='' ;; esac
    cl_n=$((cl_n + 1))
    case $cl_c in
      */*) ;;
      *) toe_bad "$1" "$(toe__show "$cl_c") has no prefix length (write 10.1.2.3/32 for one address)"; return 1 ;;
    esac
    ipv4 "$1" "${cl_c%/*}" || return 1
    toe_int "$1" "${cl_c#*/}" 0 32 || { toe_bad "$1" "$(toe__show "$cl_c"): the prefix length must be 0..32"; return 1; }
    if [ "${cl_c#*/}" = 0 ] && [ "${NETWORK_ALLOW_ALL_DESTINATIONS:-}" != 1 ]; then
      toe_bad "$1" "$cl_c covers every address; this PowerToolConfig does not allow a /0 (NETWORK_ALLOW_ALL_DESTINATIONS)"
      return 1
    fi
  done
  [ "$cl_n" -le 8 ] || toe_bad "$1" "at most 8 CIDRs"
}

# port_list NAME VALUE: 1 to 8 comma-separated ports 1..65535.
port_list() {
  case $2 in
    ''|,*|*,|*,,*) toe_bad "$1" "$(toe__show "$2") is not a comma-separated list of ports such as 80,443"; return 1 ;;
  esac
  pl_rest=$2 pl_n=0
  while [ -n "$pl_rest" ]; do
    pl_p=${pl_rest%%,*}
    case $pl_rest in *,*) pl_rest=${pl_rest#*,} ;; *) pl_rest='' ;; esac
    pl_n=$((pl_n + 1))
    toe_int "$1" "$pl_p" 1 65535 || return 1
  done
  [ "$pl_n" -le 8 ] || toe_bad "$1" "at most 8 ports"
}

# millis NAME VALUE MIN MAX: a duration as the operator serialises it (250ms, 2s, 1m); sets toe_value (ms).
millis() {
  case $2 in
    *ms) ms_n=${2%ms} ms_f=1 ;;
    *s) ms_n=${2%s} ms_f=1000 ;;
    *m) ms_n=${2%m} ms_f=60000 ;;
    *) toe_bad "$1" "$(toe__show "$2") is not a duration such as 100ms or 1s"; return 1 ;;
  esac
  toe_int "$1" "$ms_n" 0 99999999 || { toe_bad "$1" "$(toe__show "$2") is not a duration such as 100ms or 1s"; return 1; }
  toe_value=$((ms_n * ms_f))
  [ "$toe_value" -ge "$3" ] && [ "$toe_value" -le "$4" ] || toe_bad "$1" "$2 is out of range; allowed: ${3}ms..${4}ms"
}

on_arg() {
  case $1 in
    mode) toe_need_value "$1" "$3" && toe_enum "$1" "$2" loss partition bandwidth dns latency && mode=$2 ;;
    percent) toe_need_value "$1" "$3" && toe_percent "$1" "$2" 1 100 && percent=$toe_value ;;
    cidrs) toe_need_value "$1" "$3" && cidr_list "$1" "$2" && cidrs=$2 ;;
    ports) toe_need_value "$1" "$3" && port_list "$1" "$2" && ports=$2 ;;
    direction) toe_need_value "$1" "$3" && toe_enum "$1" "$2" egress ingress both && direction=$2 ;;
    rate) toe_need_value "$1" "$3" && toe_quantity "$1" "$2" 8000 10000000000 && rate=$toe_value ;;
    burst) toe_need_value "$1" "$3" && toe_quantity "$1" "$2" 2048 67108864 && burst=$toe_value ;;
    delay) toe_need_value "$1" "$3" && millis "$1" "$2" 1 10000 && delay_ms=$toe_value ;;
    jitter) toe_need_value "$1" "$3" && millis "$1" "$2" 0 10000 && jitter_ms=$toe_value ;;
    action) toe_need_value "$1" "$3" && toe_enum "$1" "$2" drop reject && action=$2 ;;
    # Not in the config's allowlist: for an operator (or a person) cleaning up after a tool that was killed.
    undo) toe_boolean "$1" "$3" && undo=1 ;;
    *) toe_unknown "$1" "--mode --percent --cidrs --ports --direction --rate --burst --delay --jitter --action --undo" ;;
  esac
}

toe_start network "$@"

# Names for this run: the same TOE_RUN_ID and TOE_POD give the same chains, so --undo finds them.
id=$(printf "%s/%s" "$toe_run" "$toe_pod" | md5sum | cut -c 1-8)
chain_out=TOE-$id-out
chain_in=TOE-$id-in
dev=$(ip -4 route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
[ -n "$dev" ] || dev=eth0
uses_tc=0
uses_ipt=0

# The image's tc (iproute2), not busybox's applet of that name, which ash would run instead and which cannot add a
# qdisc: the first tc on PATH, by its path.
tc_bin=''
for tc_dir in $(printf '%s' "$PATH" | tr ':' ' '); do
  [ -x "$tc_dir/tc" ] && { tc_bin=$tc_dir/tc; break; }
done
tc() { "${tc_bin:-/usr/sbin/tc}" "$@"; }

run() { # CMD...: a command of the fault, its stderr to the tool's log; argv only, never a shell.
  "$@" 2>>"$toe_log"
}

# remove: every rule and qdisc of this run, whatever state it reached; idempotent. Returns 1 if something stays.
remove() {
  rm_ok=0
  if command -v iptables >/dev/null 2>&1; then
    for rm_pair in "OUTPUT $chain_out" "INPUT $chain_in"; do
      rm_hook=${rm_pair% *} rm_chain=${rm_pair#* }
      iptables -w 5 -S "$rm_chain" >/dev/null 2>&1 || continue
      # The jump rules, as iptables prints them (their time match included): delete each by its own words.
      iptables -w 5 -S "$rm_hook" 2>/dev/null | grep -e " -j $rm_chain\$" | while read -r _ _ rm_rule; do
        # shellcheck disable=SC2086 # iptables' own output, split into its words on purpose
        iptables -w 5 -D "$rm_hook" $rm_rule 2>>"$toe_log"
      done
      iptables -w 5 -F "$rm_chain" 2>>"$toe_log"
      iptables -w 5 -X "$rm_chain" 2>>"$toe_log" || rm_ok=1
    done
  fi
  if tc qdisc show dev "$dev" root 2>/dev/null | grep -q " $handle "; then
    tc qdisc del dev "$dev" root handle "$handle" 2>>"$toe_log" || rm_ok=1
  fi
  return "$rm_ok"
}

# left: what of this run is still in place ("" when nothing).
left() {
  l=''
  iptables -w 5 -S "$chain_out" >/dev/null 2>&1 && l="$l $chain_out"
  iptables -w 5 -S "$chain_in" >/dev/null 2>&1 && l="$l $chain_in"
  tc qdisc show dev "$dev" root 2>/dev/null | grep -q " $handle " && l="$l qdisc $handle on $dev"
  printf '%s' "$l"
}

if [ "$undo" = 1 ]; then
  remove
  toe_effect="{\"undo\":true,\"chains\":[\"$chain_out\",\"$chain_in\"],\"device\":\"$dev\",\"left\":\"$(left)\"}"
  [ -z "$(left)" ] || toe_error "could not remove:$(left)"
  toe_message="removed this run's rules and qdisc (if any) from the pod's network namespace"
  toe_finish Completed
fi

# The combination of parameters, checked before anything is done.
[ -n "$mode" ] || toe_refuse "--mode is required: loss, partition, bandwidth, dns or latency"
only() { # FLAG VALUE MODES...: FLAG applies to MODES only
  [ -n "$2" ] || return 0
  o_flag=$1 o_modes=''
  shift 2
  for o_m in "$@"; do [ "$o_m" = "$mode" ] && return 0; o_modes="$o_modes $o_m"; done
  toe_refuse "$o_flag applies to --mode=${o_modes# } only, not to --mode=$mode"
}
only --percent "$percent" loss
only --cidrs "$cidrs" loss partition
only --ports "$ports" loss partition
only --rate "$rate" bandwidth
only --burst "$burst" bandwidth
only --delay "$delay_ms" latency
[ "$jitter_ms" = 0 ] || only --jitter "$jitter_ms" latency
case $mode in
  loss) [ -n "$percent" ] || toe_refuse "--mode=loss needs --percent (1..100)" ;;
  partition) [ -n "$cidrs$ports" ] || toe_refuse "--mode=partition needs --cidrs or --ports (the peers to cut off)" ;;
  bandwidth) [ -n "$rate" ] || toe_refuse "--mode=bandwidth needs --rate (bits per second, such as 1M)" ;;
  latency)
    [ -n "$delay_ms" ] || toe_refuse "--mode=latency needs --delay (such as 100ms)"
    [ "$jitter_ms" -le "$delay_ms" ] || toe_refuse "--jitter (${jitter_ms}ms) may not exceed --delay (${delay_ms}ms)"
    ;;
esac
[ "$action" = drop ] || [ "$mode" = dns ] || toe_refuse "--action applies to --mode=dns only"

# The end of the run in kernel time (UTC), a few seconds late so that the clean undo comes first.
toe_remaining
until_epoch=$(($(date -u +%s) + toe_value + 5))
until_text=$(date -u -d "@$until_epoch" +%Y-%m-%dT%H:%M:%S)

# ipt_rules CHAIN ADDR_FLAG TARGET...: append the rules of one direction, one per CIDR (or one for any address)
# and per protocol when ports are given.
ipt_rules() {
  r_chain=$1 r_addr=$2
  shift 2
  for r_c in $(printf '%s' "${cidrs:-any}" | tr ',' ' '); do
    r_a=''
    [ "$r_c" = any ] || r_a="$r_addr $r_c"
    if [ -n "$ports" ]; then
      for r_p in tcp udp; do
        # shellcheck disable=SC2086 # r_a is either empty or two checked words
        run iptables -w 5 -A "$r_chain" $r_a -p "$r_p" -m multiport --dports "$ports" "$@" || return 1
      done
    else
      # shellcheck disable=SC2086
      run iptables -w 5 -A "$r_chain" $r_a "$@" || return 1
    fi
  done
}

# ipt_hook HOOK CHAIN IFACE_FLAG: the jump, never on loopback, and only until the end of the run.
ipt_hook() {
  run iptables -w 5 -I "$1" 1 '!' "$3" lo -m time --datestop "$until_text" -j "$2"
}

ipt_chains() {
  uses_ipt=1
  run iptables -w 5 -N "$chain_out" && run iptables -w 5 -N "$chain_in"
}

apply() {
  case $mode in
    loss|partition)
      if [ "$mode" = loss ] && [ "$percent" -lt 100 ]; then
        set -- -m statistic --mode random --probability "$(awk -v p="$percent" 'BEGIN { printf "%.2f", p / 100 }')" -j DROP
      else
        set -- -j DROP
      fi
      ipt_chains || return 1
      if [ "$direction" != ingress ]; then ipt_rules "$chain_out" -d "$@" && ipt_hook OUTPUT "$chain_out" -o || return 1; fi
      if [ "$direction" != egress ]; then ipt_rules "$chain_in" -s "$@" && ipt_hook INPUT "$chain_in" -i || return 1; fi
      ;;
    dns)
      conf=/proc/1/root/etc/resolv.conf
      [ -r "$conf" ] || conf=/etc/resolv.conf
      resolvers=''
      for ns in $(awk '$1 == "nameserver" { print $2 }' "$conf" 2>/dev/null); do
        ipv4 resolv.conf "$ns" 2>/dev/null && resolvers="$resolvers${resolvers:+,}$ns"
      done
      [ -n "$resolvers" ] || { refused="no IPv4 nameserver in $conf"; return 2; }
      ipt_chains || return 1
      for ns in $(printf '%s' "$resolvers" | tr ',' ' '); do
        if [ "$action" = reject ]; then
          run iptables -w 5 -A "$chain_out" -d "$ns" -p udp --dport 53 -j REJECT --reject-with icmp-port-unreachable &&
            run iptables -w 5 -A "$chain_out" -d "$ns" -p tcp --dport 53 -j REJECT --reject-with tcp-reset || return 1
        else
          run iptables -w 5 -A "$chain_out" -d "$ns" -p udp --dport 53 -j DROP &&
            run iptables -w 5 -A "$chain_out" -d "$ns" -p tcp --dport 53 -j DROP || return 1
        fi
      done
      ipt_hook OUTPUT "$chain_out" -o || return 1
      ;;
    bandwidth)
      [ -n "$burst" ] || { burst=$((rate / 8 / 100)); [ "$burst" -lt 16384 ] && burst=16384; }
      qdisc="tbf rate ${rate}bit burst $burst latency 100ms"
      uses_tc=1
      run tc qdisc add dev "$dev" root handle "$handle" tbf rate "${rate}bit" burst "$burst" latency 100ms || return 1
      ;;
    latency)
      qdisc="netem delay ${delay_ms}ms"
      [ "$jitter_ms" = 0 ] || qdisc="$qdisc ${jitter_ms}ms"
      uses_tc=1
      if [ "$jitter_ms" = 0 ]; then
        set -- delay "${delay_ms}ms"
      else
        set -- delay "${delay_ms}ms" "${jitter_ms}ms"
      fi
      if ! out=$(tc qdisc add dev "$dev" root handle "$handle" netem "$@" 2>&1); then
        echo "$out" >>"$toe_log"
        case $out in
          *"qdisc kind is unknown"*)
            refused="the node's kernel has no sch_netem (the netem queueing discipline, kernel module sch_netem), so latency cannot be added on this node; nothing was done"
            return 2
            ;;
        esac
        return 1
      fi
      ;;
  esac
}

# dropped: packets the run's rules dropped so far (iptables), or the qdisc's drops (tc).
dropped() {
  d=0
  if [ "$uses_ipt" = 1 ]; then
    d=$( { iptables -w 5 -nvxL "$chain_out" 2>/dev/null; iptables -w 5 -nvxL "$chain_in" 2>/dev/null; } |
      awk '$1 ~ /^[0-9]+$/ && ($3 == "DROP" || $3 == "REJECT") { s += $1 } END { print s + 0 }')
  elif [ "$uses_tc" = 1 ]; then
    d=$(tc -s qdisc show dev "$dev" root 2>/dev/null | awk '/dropped/ { for (i = 1; i < NF; i++) if ($i == "(dropped") { sub(",", "", $(i + 1)); print $(i + 1); exit } }')
  fi
  printf '%s' "${d:-0}"
}

qdisc='' resolvers='' refused=''
effect() { # EXTRA
  toe_effect="{\"mode\":\"$mode\",\"direction\":\"$direction\",\"percent\":${percent:-null},\"cidrs\":\"$cidrs\",\"ports\":\"$ports\",\"resolvers\":\"$resolvers\",\"action\":\"$action\",\"qdisc\":\"$qdisc\",\"device\":\"$dev\",\"chains\":[\"$chain_out\",\"$chain_in\"],\"until\":\"${until_text}Z\"$1}"
}

# A leftover of an earlier run of this PowerTool on this pod (a killed tool) is removed first: the new one replaces it.
remove || toe_error "could not remove what an earlier run left:$(left)"
trap 'remove' EXIT
toe_artifact samples.jsonl text
apply
applied=$?
if [ "$applied" != 0 ]; then
  remove
  effect ",\"applied\":false,\"left\":\"$(left)\""
  [ "$applied" = 2 ] && toe_refuse "$refused"
  toe_error "could not apply --mode=$mode: $(tail -n 1 "$toe_log")"
fi
toe_sample "\"applied\":true,\"dropped\":0"

tick() { toe_sample "\"applied\":true,\"dropped\":$(dropped)"; }
toe_loop tick

total=$(dropped)
remove
rest=$(left)
trap - EXIT
toe_sample "\"applied\":false,\"dropped\":$total"
effect ",\"applied\":true,\"dropped\":$total,\"undone\":$([ -z "$rest" ] && echo true || echo false)"
[ -z "$rest" ] || toe_error "the fault could not be fully undone; still in place:$rest"
toe_message="--mode=$mode applied for the run and undone ($total packets dropped)"
[ "$mode" = bandwidth ] && toe_message="--mode=bandwidth (${rate} bit/s on $dev) applied for the run and undone ($total packets dropped by the qdisc)"
toe_finish "$toe_reason"
