import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { describe, it } from 'node:test';
import { parseStraceSummary, parseStraceTrace } from './parse.ts';

const fixture = (name: string): URL => new URL(`../../fixtures/${name}`, import.meta.url);

describe('parseStraceSummary', () => {
  it('reads a real strace -c -f table, with and without an errors column', async () => {
    const s = await parseStraceSummary(createReadStream(fixture('strace.summary')));
    assert.equal(s.rows.length, 37);
    assert.deepEqual(s.rows[0], { syscall: 'wait4', calls: 10, errors: 5, seconds: 0.028221, usecsPerCall: 2822, percentTime: 68.04 });
    assert.deepEqual(
      s.rows.find((r) => r.syscall === 'mmap'),
      { syscall: 'mmap', calls: 150, errors: 0, seconds: 0.00155, usecsPerCall: 10, percentTime: 3.74 },
    );
    assert.equal(s.total.calls, 830);
    assert.equal(s.total.errors, 123);
    assert.equal(s.garbageLines, 0);
  });

  it('sums the tables of several personalities and counts garbage', async () => {
    const table = (calls: number): string =>
      `% time     seconds  usecs/call     calls    errors syscall\n------ ----------- ----------- --------- --------- ----------------\n 100.00    0.000100          10        ${calls}           read\r\n------ ----------- ----------- --------- --------- ----------------\n100.00    0.000100          10        ${calls}           total\n`;
    const s = await parseStraceSummary([
      `${table(10)}System call usage summary for 32 bit mode:\n${table(5)}<script>alert(1)</script> 1 2 3\n 1 2 3 4 5 6 Bad-Name\n`,
    ]);
    assert.deepEqual(
      s.rows.map((r) => [r.syscall, r.calls, r.seconds]),
      [['read', 15, 0.0002]],
    );
    assert.equal(s.garbageLines, 2);
  });

  it('takes "% time" again of the summed seconds, so slices of one run never add up past 100%', async () => {
    const slice = (read: string, write: string): string =>
      `% time     seconds  usecs/call     calls    errors syscall\n------ ----------- ----------- --------- --------- ----------------\n` +
      ` ${read}   read\n ${write}   write\n------ ----------- ----------- --------- --------- ----------------\n`;
    const s = await parseStraceSummary([
      slice('75.00    0.000300          30        10', '25.00    0.000100          10        10'),
      slice('25.00    0.000100          10        10', '75.00    0.000300          30        10'),
      slice('90.00    0.000900          90        10', '10.00    0.000100          10        10'),
    ]);
    assert.deepEqual(
      s.rows.map((r) => [r.syscall, r.percentTime]),
      [
        ['read', 72.22],
        ['write', 27.78],
      ],
    );
  });
});

describe('parseStraceTrace', () => {
  it('aggregates a real strace -f -tt -T trace, resumed calls counted once', async () => {
    const t = await parseStraceTrace(createReadStream(fixture('strace.trace')));
    const wait4 = t.syscalls.find((s) => s.syscall === 'wait4');
    assert.equal(wait4?.calls, 6);
    assert.equal(wait4?.errors, 3);
    assert.deepEqual(wait4?.errnos, { ECHILD: 3 });
    assert.equal(t.syscalls[0]?.syscall, 'clock_nanosleep');
    assert.equal(t.pids, 5);
    assert.equal(t.exited, 5);
    assert.deepEqual(t.signals, { SIGCHLD: 3 });
    assert.equal(t.unfinished, 0);
    assert.equal(t.garbageLines, 0);
    assert.equal(t.firstTime, '03:17:37.592843');
    const sum = t.rows.reduce((n, r) => n + r.percentTime, 0);
    assert.ok(Math.abs(sum - 100) < 1e-6);
  });

  it('handles [pid N] prefixes, calls cut off by the end of a partial artifact, kills and garbage', async () => {
    const lines = [
      '[pid 10] 12:00:00.000001 openat(AT_FDCWD, "/a = b", O_RDONLY) = -1 EACCES (Permission denied) <0.000010>',
      '12:00:00.000002 read(3, "x", 1) = 1 <0.5>',
      '[pid 11] 12:00:00.000003 futex(0x1, FUTEX_WAIT, 0, NULL <unfinished ...>',
      '[pid 12] 12:00:00.000004 +++ killed by SIGKILL +++',
      'not a syscall line',
      '[pid 12] 12:00:00.000005 restart_syscall(<... resuming interrupted read ...>) = ? ERESTARTSYS (To be restarted) <0.1>',
    ];
    const t = await parseStraceTrace([lines.join('\r\n')]);
    assert.deepEqual(
      t.syscalls.map((s) => [s.syscall, s.calls, s.errors]),
      [
        ['read', 1, 0],
        ['restart_syscall', 1, 1],
        ['openat', 1, 1],
      ],
    );
    assert.deepEqual(t.syscalls.find((s) => s.syscall === 'openat')?.errnos, { EACCES: 1 });
    assert.equal(t.unfinished, 1);
    assert.equal(t.killed, 1);
    assert.equal(t.garbageLines, 1);
  });
});
