# shellcheck shell=sh
# Output modes (README.md "Output modes"). Tools append to files as they collect; toe_flush ships the new bytes:
#   pvc        files are written in place under TOE_OUTPUT_DIR[/TOE_OUTPUT_SUBPATH]/<run>/<pod>/ with a .partial marker until
#              result.json replaces it, so nothing needs shipping;
#   logs       new bytes go to stdout in blocks `TOE-ARTIFACT-BEGIN <name>` ... `TOE-ARTIFACT-END <name> <bytes>
#              <partial>`; an artifact may come in several blocks (concatenate them in order); text blocks end on
#              a line boundary, binary blocks are base64; every block but the last says partial=true;
#   collector  new bytes are PUT at ?offset=<bytes already stored> in chunks of at most 1 MiB (409 → resume from
#              the collector's Upload-Offset), then POST .../complete?partial=...
# So an abrupt SIGKILL loses at most what was collected since the last flush (about two seconds).

toe__chunk=1048576
toe__arts_file=''

toe__output_init() {
  toe_mode=${TOE_OUTPUT_MODE:-logs}
  toe__arts_file=$toe__state/artifacts
  true > "$toe__arts_file" || toe_error "cannot write $toe__arts_file"
  case $toe_mode in
    pvc)
      [ -n "${TOE_OUTPUT_DIR:-}" ] && [ -d "$TOE_OUTPUT_DIR" ] || toe_error "TOE_OUTPUT_DIR is not a directory: output mode pvc needs the output volume"
      # The subPath is checked at admission; checked again here because it names a place on a shared volume.
      case /${TOE_OUTPUT_SUBPATH:-}/ in
        */.*|*//*/*) toe_error "TOE_OUTPUT_SUBPATH must be a relative path whose segments do not start with a dot" ;;
      esac
      toe_outdir=$TOE_OUTPUT_DIR${TOE_OUTPUT_SUBPATH:+/$TOE_OUTPUT_SUBPATH}/$toe_run/$toe_pod
      mkdir -p "$toe_outdir" && rm -f "$toe_outdir/result.json" && true > "$toe_outdir/.partial" ||
        toe_error "cannot write to the output volume at $toe_outdir"
      ;;
    logs|collector)
      toe_outdir=$toe__state/out
      mkdir -p "$toe_outdir" || toe_error "cannot create $toe_outdir"
      ;;
    *) toe_error "TOE_OUTPUT_MODE must be logs, pvc or collector" ;;
  esac
  if [ "$toe_mode" = collector ]; then
    case ${TOE_COLLECTOR_URL:-} in
      http://*|https://*) ;;
      *) toe_error "TOE_COLLECTOR_URL must be an http(s) URL for output mode collector" ;;
    esac
    case $TOE_COLLECTOR_URL in
      *[!A-Za-z0-9.:/_-]*) toe_error "TOE_COLLECTOR_URL has characters a collector URL does not need" ;;
    esac
    [ -n "${TOE_COLLECTOR_TOKEN:-}" ] || toe_error "TOE_COLLECTOR_TOKEN is empty"
    # The token goes to curl in a file, never in argv: the target's processes share this PID namespace and can
    # read every /proc/<pid>/cmdline.
    (umask 077 && printf 'Authorization: Bearer %s\nToe-Tool: %s\n' "$TOE_COLLECTOR_TOKEN" "$toe_tool" > "$toe__state/headers") ||
      toe_error "cannot write the collector headers"
    toe__url=${TOE_COLLECTOR_URL%/}/v1/artifacts
  fi
}

# toe_artifact NAME text|binary: register an artifact; sets toe_path to the file the tool appends to.
toe_artifact() {
  toe_path=$toe_outdir/$1
  true > "$toe_path" || toe_error "cannot write $toe_path"
  echo 0 > "$toe__state/sent.$1"
  printf '%s %s\n' "$1" "$2" >> "$toe__arts_file"
}

# toe_flush FINAL [PARTIAL]: ship new bytes of every artifact; FINAL=1 ships everything and completes uploads.
toe_flush() {
  [ -n "$toe__arts_file" ] && [ -s "$toe__arts_file" ] || return 0
  [ "$toe_mode" = pvc ] && return 0
  toe_uptime_cs
  # A stopped tool has 10 s to exit: give the last uploads 5 s; a normal end may take longer to drain.
  if [ "$1" = 1 ] && toe_stopping; then toe__flush_until=$((toe_cs + 500)); else toe__flush_until=$((toe_cs + 3000)); fi
  while read -r toe__name toe__kind <&8; do
    toe__p=$toe_outdir/$toe__name
    read -r toe__sent < "$toe__state/sent.$toe__name"
    toe__size=$(stat -c %s "$toe__p" 2>/dev/null) || toe__size=0
    if [ "$toe_mode" = logs ]; then
      toe__flush_logs "$1" "${2:-false}"
    else
      toe__flush_collector "$1" "${2:-false}"
    fi
    echo "$toe__sent" > "$toe__state/sent.$toe__name"
  done 8< "$toe__arts_file"
}

toe__flush_logs() {
  toe__n=$((toe__size - toe__sent))
  [ "$toe__n" -gt "$toe__chunk" ] && [ "$1" = 0 ] && toe__n=$toe__chunk
  toe__tmp=$toe__state/chunk
  if [ "$toe__n" -gt 0 ]; then
    tail -c +$((toe__sent + 1)) "$toe__p" | head -c "$toe__n" > "$toe__tmp"
    if [ "$1" = 0 ]; then
      if [ "$toe__kind" = text ]; then
        # Only whole lines, so that the END marker starts a line; a single line longer than a chunk goes as is.
        if [ "$(tail -c 1 "$toe__tmp" | od -An -c | tr -d ' ')" != '\n' ]; then
          toe__whole=$(sed '$d' "$toe__tmp" | wc -c)
          [ "$toe__whole" -gt 0 ] || [ "$toe__n" -lt "$toe__chunk" ] && toe__n=$toe__whole
        fi
      else
        toe__n=$((toe__n / 3 * 3))
      fi
    fi
  fi
  [ "$toe__n" -gt 0 ] || [ "$1" = 1 ] || return 0
  printf 'TOE-ARTIFACT-BEGIN %s\n' "$toe__name"
  if [ "$toe__n" -gt 0 ]; then
    if [ "$toe__kind" = text ]; then
      head -c "$toe__n" "$toe__tmp"
      [ "$(head -c "$toe__n" "$toe__tmp" | tail -c 1 | od -An -c | tr -d ' ')" = '\n' ] || echo
    else
      head -c "$toe__n" "$toe__tmp" | base64
    fi
  fi
  toe__sent=$((toe__sent + toe__n))
  toe__last=true
  [ "$1" = 1 ] && toe__last=$2
  printf 'TOE-ARTIFACT-END %s %s %s\n' "$toe__name" "$toe__n" "$toe__last"
}

toe__curl() {
  curl -sS --max-time 15 -H "@$toe__state/headers" "$@" 2>>"$toe_log"
}

# toe__upload_offset NAME: the collector's Upload-Offset for NAME (empty when unknown).
toe__upload_offset() {
  toe__curl -I -o /dev/null -D - "$toe__url/$1" | awk -F': *' 'tolower($1) == "upload-offset" { print $2 + 0 }'
}

toe__flush_collector() {
  [ -e "$toe__state/capped.$toe__name" ] && return 0
  toe__first=1
  while [ "$toe__sent" -lt "$toe__size" ] || { [ "$1" = 1 ] && [ "$toe__first" = 1 ] && [ "$toe__size" = 0 ]; }; do
    toe__first=0
    toe_uptime_cs
    [ "$toe_cs" -lt "$toe__flush_until" ] || break
    toe__n=$((toe__size - toe__sent))
    [ "$toe__n" -gt "$toe__chunk" ] && toe__n=$toe__chunk
    toe__code=$(tail -c +$((toe__sent + 1)) "$toe__p" | head -c "$toe__n" |
      toe__curl -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/octet-stream' \
        --data-binary @- "$toe__url/$toe__name?offset=$toe__sent")
    case $toe__code in
      2??) toe__sent=$((toe__sent + toe__n)) ;;
      409) toe__at=$(toe__upload_offset "$toe__name"); [ -n "$toe__at" ] && toe__sent=$toe__at || break ;;
      413) true > "$toe__state/capped.$toe__name"; echo "collector: $toe__name reached the collector's size cap" >> "$toe_log"; break ;;
      *) echo "collector: PUT $toe__name at $toe__sent answered ${toe__code:-nothing}" >> "$toe_log"; break ;;
    esac
  done
  [ "$1" = 1 ] || return 0
  # Complete even when bytes are missing: the collector then keeps what it has, marked partial.
  toe__p2=$2
  [ "$toe__sent" -lt "$toe__size" ] || [ -e "$toe__state/capped.$toe__name" ] && toe__p2=true
  toe__code=$(toe__curl -o /dev/null -w '%{http_code}' -X POST "$toe__url/$toe__name/complete?partial=$toe__p2")
  case $toe__code in
    2??) ;;
    *) echo "collector: complete $toe__name answered ${toe__code:-nothing}" >> "$toe_log" ;;
  esac
}

# toe__artifacts_json RUNPARTIAL: sets toe__arts (JSON array body), toe__total (bytes) and toe__unsent (names of
# artifacts the collector did not get whole).
toe__artifacts_json() {
  toe__arts=''
  toe__total=0
  toe__unsent=''

  [ -n "$toe__arts_file" ] && [ -s "$toe__arts_file" ] || return 0
  while read -r toe__name toe__kind <&8; do
    toe__size=$(stat -c %s "$toe_outdir/$toe__name" 2>/dev/null) || toe__size=0
    toe__ap=$1
    if [ "$toe_mode" != pvc ]; then
      read -r toe__sent < "$toe__state/sent.$toe__name"
      if [ "$toe__sent" -lt "$toe__size" ] || [ -e "$toe__state/capped.$toe__name" ]; then
        toe__ap=true
        toe__unsent="$toe__unsent $toe__name"
      fi
    fi
    toe__total=$((toe__total + toe__size))
    toe__arts="$toe__arts${toe__arts:+,}{\"name\":\"$toe__name\",\"bytes\":$toe__size,\"partial\":$toe__ap}"
  done 8< "$toe__arts_file"
}

toe__output_close() {
  [ "${toe_mode:-}" = pvc ] && [ -n "${toe_outdir:-}" ] && [ -d "$toe_outdir" ] || return 0
  printf '%s\n' "$1" > "$toe_outdir/result.json.tmp" && mv "$toe_outdir/result.json.tmp" "$toe_outdir/result.json" &&
    rm -f "$toe_outdir/.partial"
}

# toe_size_reached FILE MAX WHAT: true once FILE has grown to MAX bytes (a --max-size); then toe_message says that
# WHAT ("the trace", "the capture") reached it and was stopped. For a tick: `toe_size_reached ... && return 1`.
toe_size_reached() {
  [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ] || return 1
  toe_message="$3 reached --max-size=$(toe_bytes_text "$2") and was stopped"
}
