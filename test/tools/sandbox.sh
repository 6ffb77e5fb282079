#!/bin/sh
# Runs a tool entrypoint the way a pod runs it, with real namespaces on this host (root only):
#   sandbox.sh target own|host CGROUP_PROCS... -- CMD...
#       CMD becomes PID 1 of a new PID namespace with its own mount and network namespaces (like a container's
#       main process in its pod); "host" keeps this host's network namespace instead (to reach a local server).
#   sandbox.sh tool HOST_PID BIN_DIR TERMLOG CAPS CGROUP_PROCS... -- ENTRYPOINT ARGS...
#       ENTRYPOINT runs under busybox sh in the PID and network namespaces of HOST_PID (like an ephemeral
#       container with targetContainerName) but in its own mount namespace with a private /tmp/toe and /dev (termination-log bound
#       to TERMLOG), with PATH=BIN_DIR only (busybox applets plus the image's binaries), with only the
#       capabilities CAPS (comma-separated, e.g. perfmon,sys_ptrace; "-" for none) and no_new_privs, as the
#       PowerToolConfig's securityContext gives them.
#       With SANDBOX_ROOTFS set, the entrypoint is the image's /toe/bin/entrypoint, run chrooted in that folder.
#   sandbox.sh exec TOOL_HOST_PID BIN_DIR -- CMD...
#       CMD in the tool's PID and mount namespaces (like `kubectl exec` into the ephemeral container).
# CGROUP_PROCS are cgroup.procs files the process joins first (the pod's container cgroups).
set -eu
here=$(cd "${0%/*}" && pwd)
role=$1
shift

case $role in
  target)
    net=--net
    [ "$1" = host ] && net=--pid
    shift
    while [ "$1" != -- ]; do echo $$ > "$1"; shift; done
    shift
    # Its own network namespace too, as a pod has, with loopback up.
    exec unshare --pid "$net" --fork --kill-child --mount-proc --propagation private -- \
      /bin/busybox sh -c '/bin/busybox ip link set lo up 2>/dev/null; exec "$@"' sh "$@"
    ;;
  tool)
    hostpid=$1 bindir=$2 termlog=$3 caps=$4
    shift 4
    while [ "$1" != -- ]; do echo $$ > "$1"; shift; done
    shift
    exec nsenter -t "$hostpid" -p -n -- unshare -m --propagation private -- "$here/sandbox.sh" inner "$bindir" "$termlog" "$caps" "$@"
    ;;
  inner)
    bindir=$1 termlog=$2 caps=$3
    shift 3
    if [ -n "${SANDBOX_ROOTFS:-}" ]; then
      # Inside an image's filesystem: its own /proc, /dev, /sys and /tmp/toe; the output folder and the volume
      # bound where the operator mounts them. busybox chroot needs SYS_CHROOT, which the tool keeps (the one
      # capability beyond its config's in this mode).
      r=$SANDBOX_ROOTFS
      mount -t proc proc "$r/proc"
      mount --rbind /sys "$r/sys"
      mkdir -p "$r/tmp/toe"
      mount -t tmpfs -o size=64m tmpfs "$r/tmp/toe"
      mount -t tmpfs -o mode=755 tmpfs "$r/dev"
      mknod -m 666 "$r/dev/null" c 1 3
      mknod -m 666 "$r/dev/zero" c 1 5
      mknod -m 666 "$r/dev/urandom" c 1 9
      ln -s /proc/self/fd "$r/dev/fd"
      : > "$r/dev/termination-log"
      mount --bind "$termlog" "$r/dev/termination-log"
      if [ -n "${TOE_OUTPUT_DIR:-}" ]; then
        mkdir -p "$r/toe/output" && mount --bind "$TOE_OUTPUT_DIR" "$r/toe/output" && export TOE_OUTPUT_DIR=/toe/output
      fi
      if [ -n "${TOE_VOLUME_PATH:-}" ]; then
        mkdir -p "$r/toe/volume" && mount --bind "$TOE_VOLUME_PATH" "$r/toe/volume" && export TOE_VOLUME_PATH=/toe/volume
      fi
      bounding=-all,+sys_chroot
      [ "$caps" = - ] || bounding=$bounding,+$(echo "$caps" | sed 's/,/,+/g')
      shift
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
      unset SANDBOX_ROOTFS
      exec /usr/bin/setpriv --no-new-privs --inh-caps=-all --bounding-set="$bounding" -- \
        /bin/busybox chroot "$r" /toe/bin/entrypoint "$@"
    fi
    mount -t proc proc /proc
    mkdir -p /tmp/toe
    mount -t tmpfs -o size=64m tmpfs /tmp/toe
    mount -t tmpfs -o mode=755 tmpfs /dev
    mknod -m 666 /dev/null c 1 3
    mknod -m 666 /dev/zero c 1 5
    mknod -m 666 /dev/random c 1 8
    mknod -m 666 /dev/urandom c 1 9
    ln -s /proc/self/fd /dev/fd
    ln -s /proc/self/fd/0 /dev/stdin
    ln -s /proc/self/fd/1 /dev/stdout
    ln -s /proc/self/fd/2 /dev/stderr
    mkdir /dev/shm
    mount -t tmpfs tmpfs /dev/shm
    : > /dev/termination-log
    mount --bind "$termlog" /dev/termination-log
    bounding=-all
    [ "$caps" = - ] || bounding=-all,+$(echo "$caps" | sed 's/,/,+/g')
    PATH=$bindir
    exec /usr/bin/setpriv --no-new-privs --inh-caps=-all --bounding-set="$bounding" -- "$bindir/sh" "$@"
    ;;
  exec)
    toolpid=$1 bindir=$2
    shift 3
    PATH=$bindir:$PATH
    exec nsenter -t "$toolpid" -p -m -- "$bindir/sh" "$@"
    ;;
esac
