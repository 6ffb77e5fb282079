# shellcheck shell=sh
# Arguments: the operator re-serialises every allowlisted argument as `--flag=value` (booleans as `--flag`), so
# that is the only form accepted here; anything else is refused with exit 2. The entrypoint checks each value
# again (the image can be run without the operator), and values are only ever assigned or passed as one quoted
# argv word: they never reach eval, arithmetic on unchecked text, or a shell parser.

toe__seen=' '

# toe__parse_args "$@": calls the tool's on_arg NAME VALUE HASVALUE for each argument; refuses on any error.
toe__parse_args() {
  for toe__a in "$@"; do
    case $toe__a in
      --*=*) toe__n=${toe__a%%=*}; toe__v=${toe__a#*=}; toe__has=1 ;;
      --*) toe__n=$toe__a; toe__v=''; toe__has=0 ;;
      *) toe_refuse "argument $(toe__show "$toe__a"): only --flag=value and --flag are accepted (positionals and short flags are not)" ;;
    esac
    toe__n=${toe__n#--}
    case $toe__n in
      ''|-*|*[!a-z0-9-]*) toe_refuse "argument $(toe__show "$toe__a"): a flag is -- followed by lower-case letters, digits and -" ;;
    esac
    case $toe__seen in
      *" $toe__n "*) toe_refuse "--$toe__n is given more than once" ;;
    esac
    toe__seen="$toe__seen$toe__n "
    # on_arg prints why it refused to stderr is not enough: toe_bad sets toe__why.
    toe__why=''
    on_arg "$toe__n" "$toe__v" "$toe__has" || toe_refuse "${toe__why:-unknown flag --$toe__n}"
  done
}

# toe__show TEXT: a short, printable rendering of user text for error messages.
toe__show() {
  printf '"%s"' "$(printf '%.60s' "$1" | tr -c '\040-\176' '?')"
}

toe_bad() { toe__why="--$1: $2"; return 1; }

# toe_unknown NAME ALLOWED: refuse a flag the tool does not know.
toe_unknown() { toe__why="unknown flag --$1; allowed: $2"; return 1; }

toe_need_value() {
  [ "$2" = 1 ] || toe_bad "$1" "needs a value (--$1=...)"
}

toe_boolean() { # NAME HASVALUE
  [ "$2" = 0 ] || toe_bad "$1" "is a boolean flag and takes no value"
}

# toe_int NAME VALUE MIN MAX: a decimal integer without sign or leading zeros, within MIN..MAX.
toe_int() {
  case $2 in
    0|[1-9]|[1-9][0-9]|[1-9][0-9][0-9]|[1-9][0-9][0-9][0-9]|[1-9][0-9][0-9][0-9][0-9]) ;;
    [1-9][0-9][0-9][0-9][0-9][0-9]|[1-9][0-9][0-9][0-9][0-9][0-9][0-9]|[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
    *) toe_bad "$1" "$(toe__show "$2") is not an integer; allowed: $3..$4"; return 1 ;;
  esac
  [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || toe_bad "$1" "$2 is out of range; allowed: $3..$4"
}

# toe_percent NAME VALUE MIN MAX: an integer percentage, written bare ("50", as the operator serialises it);
# sets toe_value.
toe_percent() {
  toe_value=$2
  toe_int "$1" "$2" "$3" "$4"
}

# toe_enum NAME VALUE ALLOWED...: exactly one of the allowed words.
toe_enum() {
  toe__en=$1 toe__ev=$2
  shift 2
  for toe__ok in "$@"; do
    [ "$toe__ev" = "$toe__ok" ] && return 0
  done
  toe_bad "$toe__en" "$(toe__show "$toe__ev") is not allowed; allowed: $*"
}

# toe_name NAME VALUE MAXLEN: a process name (comm): letters, digits, '.', '_', '-', ':', at most MAXLEN characters.
toe_name() {
  case $2 in
    ''|-*|*[!A-Za-z0-9._:-]*) toe_bad "$1" "$(toe__show "$2") is not a process name (letters, digits, . _ - :)"; return 1 ;;
  esac
  [ "${#2}" -le "$3" ] || toe_bad "$1" "is longer than $3 characters"
}

# toe_quantity NAME VALUE MIN_BYTES MAX_BYTES: a Kubernetes quantity ("256Mi", "1.5G"); sets toe_value (bytes).
toe_quantity() {
  toe_value=''
  toe__qn=${2%%[!0-9.]*}
  toe__qs=${2#"$toe__qn"}
  case $toe__qn in
    ''|.*|*.|*.*.*|*[!0-9.]*) toe_bad "$1" "$(toe__show "$2") is not a quantity such as 256Mi"; return 1 ;;
  esac
  [ "${#toe__qn}" -le 16 ] || { toe_bad "$1" "$(toe__show "$2") is too long"; return 1; }
  case $toe__qs in
    '') toe__qf=1 ;; k) toe__qf=1000 ;; M) toe__qf=1000000 ;; G) toe__qf=1000000000 ;; T) toe__qf=1000000000000 ;;
    Ki) toe__qf=1024 ;; Mi) toe__qf=1048576 ;; Gi) toe__qf=1073741824 ;; Ti) toe__qf=1099511627776 ;;
    *) toe_bad "$1" "$(toe__show "$2") has an unknown unit; allowed: k M G T Ki Mi Gi Ti"; return 1 ;;
  esac
  toe_value=$(awk -v n="$toe__qn" -v f="$toe__qf" 'BEGIN { printf "%.0f", n * f }')
  [ "$toe_value" -ge "$3" ] && [ "$toe_value" -le "$4" ] ||
    toe_bad "$1" "$2 is out of range; allowed: $(toe_bytes_text "$3")..$(toe_bytes_text "$4")"
}

# toe_bytes_text BYTES: a short human rendering (Mi/Gi), for messages.
toe_bytes_text() {
  awk -v b="$1" 'BEGIN { if (b >= 1073741824) printf "%.4gGi", b / 1073741824; else if (b >= 1048576) printf "%.4gMi", b / 1048576; else printf "%d", b }'
}
