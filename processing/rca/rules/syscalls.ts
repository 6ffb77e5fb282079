/** Syscalls: a storm of failing calls, apart from the errors that are a normal part of non-blocking I/O. */
import type { Finding } from '../types.ts';
import { finding, num, ofKind, str, subjectKey, type Rule } from './rule.ts';

const MIN_ERRORS = 100;
const WARNING_PCT = 10;
const CRITICAL_PCT = 50;
/** EAGAIN on a non-blocking socket, ETIMEDOUT on a futex wait, EINTR after a signal: routine, not a fault. */
const routine = new Set(['EAGAIN', 'EWOULDBLOCK', 'ETIMEDOUT', 'EINTR', 'EINPROGRESS']);
/** Waits and polls fail by design when nothing is ready. */
const routineCalls = new Set([
  'futex',
  'epoll_wait',
  'poll',
  'select',
  'pselect6',
  'ppoll',
  'nanosleep',
  'clock_nanosleep',
  'wait4',
  'restart_syscall',
]);

export const syscallErrors: Rule = (evidence) => {
  const out: Finding[] = [];
  for (const e of ofKind(evidence, 'syscall-errors')) {
    const errors = num(e, 'errors') ?? 0;
    const pct = num(e, 'errorPct') ?? 0;
    const errno = str(e, 'topErrno');
    if (errors < MIN_ERRORS || pct < WARNING_PCT) continue;
    const isRoutine = (errno !== undefined && routine.has(errno)) || routineCalls.has(str(e, 'syscall') ?? '');
    out.push(
      finding(
        'SyscallErrors',
        isRoutine ? 'info' : pct >= CRITICAL_PCT ? 'critical' : 'warning',
        subjectKey(e),
        `${str(e, 'syscall')} failed ${errors} times (${pct}% of calls)${errno ? ` with ${errno}` : ''}`,
        isRoutine
          ? 'These failures are usual for waits and non-blocking I/O; look elsewhere unless they are the bulk of the time.'
          : 'A failing call retried in a loop burns CPU and hides the real error: strace -f -e trace=<call> shows the arguments (a missing file, a refused connection, a full disk).',
        [e],
      ),
    );
  }
  return out;
};
