import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cannotRun, runTool, Target } from '../../test/tools/sandbox.ts';

// The operator hands every tool its arguments as `--flag=value` (booleans `--flag`), re-serialised from checked
// values; entrypoints accept that form only and check each value again, because an image can be run without the
// operator. Each case must be refused before anything happens: exit 2, a result that says why.
const cases: [tool: string, args: string[], why: RegExp][] = [
  ['perf', ['--freq', '99'], /needs a value \(--freq=\.\.\.\)/],
  ['perf', ['-F99'], /only --flag=value/],
  ['perf', ['99'], /only --flag=value/],
  ['perf', ['--FREQ=99'], /a flag is --/],
  ['perf', ['--freq=99', '--freq=199'], /more than once/],
  ['perf', ['--freq=0x10'], /not an integer/],
  ['perf', ['--freq=010'], /not an integer/],
  ['perf', ['--freq=-1'], /not an integer/],
  ['perf', ['--freq= 99'], /not an integer/],
  ['perf', ['--freq=99;id'], /not an integer/],
  ['perf', ['--freq=$(id)'], /not an integer/],
  ['perf', ['--freq=1000'], /out of range/],
  ['perf', ['--freq=99999999999999999999'], /not an integer/],
  ['perf', ['--freq'], /needs a value/],
  ['perf', ['--keep-data=true'], /boolean flag/],
  ['perf', ['--call-graph=lbr'], /not allowed; allowed: fp dwarf none/],
  ['perf', ['--output=/proc/1/root/etc/shadow'], /unknown flag --output/],
  ['perf', ['--', '-o', '/etc/shadow'], /a flag is --|only --flag=value/],
  ['strace', ['--process=../../x'], /not a process name/],
  ['strace', ['--process=a b'], /not a process name/],
  ['strace', ['--process=averyveryverylongname'], /longer than 15/],
  ['strace', ['--syscalls=%file'], /not allowed/],
  ['strace', ['--max-size=1e9'], /unknown unit/],
  ['strace', ['--max-size=2Gi'], /out of range/],
  ['tcpdump', ['--port=0'], /out of range/],
  ['tcpdump', ['--proto=tcp'], /needs --port/],
  ['tcpdump', ['--filter=host 10.0.0.1'], /not allowed/],
  ['tcpdump', ['--interface=eth0 -w /tmp/x'], /not allowed/],
  ['cpu', ['--load=50%'], /not an integer/],
  ['cpu', ['--workers=5'], /out of range/],
  ['memory', ['--bytes=-1Mi'], /not a quantity/],
  ['memory', ['--bytes=1Ki'], /out of range/],
  ['fill-volume', ['--percent=96'], /out of range; allowed: 1..95/],
  ['fill-volume', ['--percent=100'], /out of range/],
  ['signal', ['--signal=SIGSTOP'], /not allowed; allowed: SIGTERM SIGKILL/],
  ['signal', ['--signal=9'], /not allowed/],
  ['signal', ['--signal=SIGTERM\nTOE-RESULT {"partial":false}'], /not allowed/],
];

describe(
  'entrypoint arguments',
  { skip: cannotRun('signal', ['/usr/bin/perf', '/usr/bin/strace', '/usr/bin/tcpdump', '/usr/bin/stress-ng']) },
  () => {
    let target: Target;
    before(async () => {
      target = await Target.start(['/bin/sleep', '600']);
    });
    after(async () => {
      await target?.stop();
    });

    it('refuses anything but checked --flag=value arguments, before doing anything', async () => {
      for (const [tool, args, why] of cases) {
        const label = `${tool} ${JSON.stringify(args)}`;
        const run = await runTool(tool, { target, args, env: { TOE_DURATION_SECONDS: '2', TOE_OUTPUT_MODE: 'logs' } });
        assert.equal(run.code, 2, `${label}: exit ${run.code}\n${run.stdout}${run.stderr}`);
        assert.equal(run.lines.length, 1, `${label}: only the result line:\n${run.stdout}`);
        assert.equal(run.result?.exitReason, 'Error', label);
        assert.match(run.result?.message ?? '', /^refused: /, label);
        assert.match(run.result?.message ?? '', why, label);
        assert.deepEqual(run.result?.artifacts, [], label);
        assert.ok(target.alive(), label);
      }
    });
  },
);
