#!/bin/sh
# A tool that only exercises powertools/lib: every second it appends --lines numbered lines (the last one left
# unterminated until the next second) to out.txt, and a block of `seq` output to out.bin (a "binary" artifact).
set -u
toe_lib=${0%/*}/../../powertools/lib
. "$toe_lib/toe.sh"

lines=3
on_arg() {
  case $1 in
    lines) toe_need_value "$1" "$3" && toe_int "$1" "$2" 1 100000 && lines=$2 ;;
    *) toe_unknown "$1" "--lines" ;;
  esac
}
toe_start fixture "$@"
toe_artifact out.txt text
txt=$toe_path
toe_artifact out.bin binary
bin=$toe_path
n=0
tick() {
  i=0
  while [ "$i" -lt "$lines" ]; do
    n=$((n + 1))
    # Ends the previous, unterminated line first.
    [ "$n" -gt 1 ] && printf '\n' >> "$txt"
    printf 'line %s' "$n" >> "$txt"
    i=$((i + 1))
  done
  seq $((n - lines + 1)) "$n" >> "$bin"
}
toe_loop tick
printf '\n' >> "$txt"
toe_effect="{\"lines\":$n}"
toe_finish "$toe_reason"
