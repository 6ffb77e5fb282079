#!/bin/sh
# tcpdump: capture packets in the target pod's network namespace (which this ephemeral container shares) for the
# duration, into capture.pcap (libpcap format), streamed as it grows.
#
# Users never write a BPF expression: they pick a prepared filter and/or a port and protocol, and this script
# builds the expression from those words, each handed to tcpdump as its own argv word.
set -u
toe_lib=${0%/*}/../lib
. "$toe_lib/toe.sh"

iface=eth0
filter=all
port=''
proto=''
snaplen=256
count=100000
max_size=33554432
on_arg() {
  case $1 in
    interface) toe_need_value "$1" "$3" && toe_enum "$1" "$2" eth0 any lo && iface=$2 ;;
    filter) toe_need_value "$1" "$3" && toe_enum "$1" "$2" all tcp udp icmp dns http https syn && filter=$2 ;;
    port) toe_need_value "$1" "$3" && toe_int "$1" "$2" 1 65535 && port=$2 ;;
    proto) toe_need_value "$1" "$3" && toe_enum "$1" "$2" tcp udp && proto=$2 ;;
    snaplen) toe_need_value "$1" "$3" && toe_int "$1" "$2" 64 65535 && snaplen=$2 ;;
    count) toe_need_value "$1" "$3" && toe_int "$1" "$2" 1 10000000 && count=$2 ;;
    max-size) toe_need_value "$1" "$3" && toe_quantity "$1" "$2" 1048576 1073741824 && max_size=$toe_value ;;
    *) toe_unknown "$1" "--interface --filter --port --proto --snaplen --count --max-size" ;;
  esac
}

toe_start tcpdump "$@"
[ -z "$proto" ] || [ -n "$port" ] || toe_refuse "--proto=$proto needs --port"

# The expression, as positional words.
set --
case $filter in
  all) ;;
  tcp|udp) set -- "$filter" ;;
  icmp) set -- icmp or icmp6 ;;
  dns) set -- port 53 ;;
  http) set -- tcp port 80 or tcp port 8080 ;;
  https) set -- tcp port 443 ;;
  syn) set -- 'tcp[tcpflags]' '&' '(tcp-syn|tcp-fin|tcp-rst)' '!=' 0 ;;
esac
if [ -n "$port" ]; then
  [ "$#" -gt 0 ] && set -- '(' "$@" ')' and
  if [ -n "$proto" ]; then set -- "$@" "$proto" port "$port"; else set -- "$@" port "$port"; fi
fi

toe_artifact capture.pcap binary
pcap=$toe_path
# -U writes each packet as it comes, so the file can be streamed; -p: no promiscuous mode, the pod's own traffic
# only; -Z root: Debian's tcpdump otherwise switches to a 'tcpdump' user the image does not have.
toe_spawn tcpdump -i "$iface" -p -n -U -Z root -s "$snaplen" -c "$count" -w "$pcap" "$@" 2>>"$toe_log"
dump=$toe_pid
capped=false

tick() {
  if toe_size_reached "$pcap" "$max_size" "the capture"; then
    capped=true
    return 1
  fi
  kill -0 "$dump" 2>/dev/null && return 0
  wait "$dump"
  rc=$?
  if [ "$rc" = 0 ]; then
    toe_message="the capture reached --count=$count packets"
  else
    toe_partial=true
    toe_message="tcpdump failed: $(tail -n 2 "$toe_log")"
    [ "$(stat -c %s "$pcap")" -gt 0 ] || toe_error "$toe_message"
  fi
  return 1
}

toe_loop tick
toe_stop_pid "$dump"
# tcpdump's own count, from its closing lines ("12 packets captured").
packets=$(awk '$2 == "packets" && $3 == "captured" { n = $1 } END { print n + 0 }' "$toe_log")
expr=$*
toe_effect="{\"interface\":\"$iface\",\"filter\":\"$(toe_json_text "${expr:-all}" 200)\",\"snaplen\":$snaplen,\"packets\":$packets,\"capped\":$capped}"
[ -n "$toe_message" ] || toe_message="captured $packets packets on $iface"
toe_finish "$toe_reason"
