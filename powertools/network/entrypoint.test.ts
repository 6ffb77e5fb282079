import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cannotRun, runTool, Target } from '../../test/tools/sandbox.ts';

/** A command in the target's network namespace, from this host (outside the tool). */
function inNetns(target: Target, cmd: string[]): string {
  const r = spawnSync('nsenter', ['-t', String(target.hostPid), '-n', '--', ...cmd], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}
const rules = (target: Target) => inNetns(target, ['iptables-save']);
const qdisc = (target: Target) => inNetns(target, ['tc', 'qdisc', 'show', 'dev', 'eth0', 'root']);

/** A target whose network namespace has an eth0 with a default route, as a pod's has. */
async function podLike(): Promise<Target> {
  const target = await Target.start(['/bin/sleep', '600']);
  for (const cmd of [
    ['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0p'],
    ['ip', 'link', 'set', 'eth0', 'up'],
    ['ip', 'link', 'set', 'eth0p', 'up'],
    ['ip', 'addr', 'add', '10.9.9.2/24', 'dev', 'eth0'],
    ['ip', 'route', 'add', 'default', 'via', '10.9.9.1'],
  ])
    inNetns(target, cmd);
  return target;
}

async function until(what: string, probe: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('network entrypoint', { skip: cannotRun('network', ['/usr/sbin/iptables-save']) }, () => {
  it('partitions the named peers and ports for the run, bounded by a kernel-side end time, and undoes it', async () => {
    const target = await podLike();
    try {
      const running = runTool('network', {
        target,
        args: ['--mode=partition', '--cidrs=10.9.9.1/32,192.168.7.0/24', '--ports=80,5432', '--direction=both'],
        env: { TOE_DURATION_SECONDS: '3' },
      });
      await until('the rules', () => /-j TOE-[0-9a-f]+-in/.test(rules(target)));
      const during = rules(target);
      assert.match(during, /-A OUTPUT ! -o lo -m time --datestop \S+ -j TOE-[0-9a-f]+-out/);
      assert.match(during, /-A TOE-[0-9a-f]+-out -d 192\.168\.7\.0\/24 -p udp -m multiport --dports 80,5432 -j DROP/);
      assert.match(during, /-A TOE-[0-9a-f]+-in -s 10\.9\.9\.1\/32 -p tcp -m multiport --dports 80,5432 -j DROP/);
      const run = await running;
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.result?.exitReason, 'Completed');
      assert.equal(run.result?.effect.undone, true);
      assert.doesNotMatch(rules(target), /TOE-/);
    } finally {
      await target.stop();
    }
  });

  it('drops a share of packets, and removes its rules on SIGTERM', async () => {
    const target = await podLike();
    try {
      const running = runTool('network', {
        target,
        args: ['--mode=loss', '--percent=30'],
        env: { TOE_DURATION_SECONDS: '30' },
        signal: { name: 'SIGTERM', afterMs: 2500 },
      });
      await until('the rules', () => /TOE-[0-9a-f]+-out/.test(rules(target)));
      assert.match(rules(target), /-A TOE-[0-9a-f]+-out -m statistic --mode random --probability 0\.(3|29)\d* -j DROP/);
      const run = await running;
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.result?.exitReason, 'Stopped');
      assert.equal(run.result?.effect.undone, true);
      assert.doesNotMatch(rules(target), /TOE-/);
    } finally {
      await target.stop();
    }
  });

  it('limits bandwidth with its own tbf qdisc on the default-route device, removed at the end', async () => {
    const target = await podLike();
    try {
      const running = runTool('network', { target, args: ['--mode=bandwidth', '--rate=1M'], env: { TOE_DURATION_SECONDS: '2' } });
      await until('the qdisc', () => /tbf 7e0e:/.test(qdisc(target)));
      assert.match(qdisc(target), /rate 1Mbit burst 16Kb/);
      const run = await running;
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.result?.effect.device, 'eth0');
      assert.doesNotMatch(qdisc(target), /7e0e:/);
    } finally {
      await target.stop();
    }
  });

  it('fails DNS to the resolvers of the target and undoes it', async () => {
    const target = await podLike();
    try {
      const run = await runTool('network', {
        target,
        args: ['--mode=dns', '--action=reject'],
        env: { TOE_DURATION_SECONDS: '2' },
      });
      // The host's resolv.conf is the target's here (the target shares this host's root).
      const resolver = /^nameserver\s+(\d+\.\d+\.\d+\.\d+)/m.exec(spawnSync('cat', ['/etc/resolv.conf'], { encoding: 'utf8' }).stdout)?.[1];
      if (resolver === undefined) {
        assert.equal(run.code, 2);
        assert.match(run.result?.message ?? '', /no IPv4 nameserver/);
      } else {
        assert.equal(run.code, 0, run.stderr);
        assert.match(String(run.result?.effect.resolvers), new RegExp(resolver.replaceAll('.', '\\.')));
      }
      assert.doesNotMatch(rules(target), /TOE-/);
    } finally {
      await target.stop();
    }
  });

  it('composes netem for latency, and refuses with nothing done where the kernel has no sch_netem', async () => {
    const target = await podLike();
    try {
      const run = await runTool('network', {
        target,
        args: ['--mode=latency', '--delay=100ms', '--jitter=10ms'],
        env: { TOE_DURATION_SECONDS: '2' },
      });
      assert.equal(run.result?.effect.qdisc, 'netem delay 100ms 10ms');
      if (run.code === 2) {
        assert.match(run.result?.message ?? '', /^refused: .*sch_netem/);
        assert.equal(run.result?.effect.applied, false);
      } else {
        assert.equal(run.code, 0, run.stderr);
      }
      assert.doesNotMatch(qdisc(target), /7e0e:/);
    } finally {
      await target.stop();
    }
  });

  it('leaves rules that --undo removes when the tool is SIGKILLed', async () => {
    const target = await podLike();
    try {
      const killed = await runTool('network', {
        target,
        args: ['--mode=partition', '--ports=9'],
        env: { TOE_DURATION_SECONDS: '30' },
        signal: { name: 'SIGKILL', afterMs: 2500 },
      });
      assert.equal(killed.result, undefined);
      assert.match(rules(target), /-m time --datestop \S+ -j TOE-[0-9a-f]+-out/, 'the jump ends by itself at the end of the run');
      const undo = await runTool('network', { target, args: ['--undo'] });
      assert.equal(undo.code, 0, undo.stderr);
      assert.equal(undo.result?.effect.left, '');
      assert.doesNotMatch(rules(target), /TOE-/);
    } finally {
      await target.stop();
    }
  });

  it('refuses hostile and inconsistent arguments before doing anything', async () => {
    const target = await podLike();
    try {
      for (const [args, why] of [
        [['--mode=partition', '--cidrs=0.0.0.0/0'], /covers every address/],
        [['--mode=partition', '--cidrs=10.0.0.0/8 -j ACCEPT'], /prefix length must be 0..32/],
        [['--mode=partition', '--cidrs=10.0.0.256/8'], /not an IPv4 address/],
        [['--mode=partition', '--ports=80;reboot'], /not an integer/],
        [['--mode=partition', '--ports=0'], /out of range; allowed: 1\.\.65535/],
        [['--mode=loss', '--percent=-5'], /not an integer/],
        [['--mode=latency', '--delay=1e9ms'], /not a duration/],
        [['--mode=latency', '--delay=10ms', '--jitter=20ms'], /may not exceed/],
        [['--mode=bandwidth', '--rate=1M', '--percent=5'], /--percent applies to --mode=loss only/],
        [['--mode=loss'], /needs --percent/],
        [['--mode=partition'], /needs --cidrs or --ports/],
        [['--mode=netem'], /not allowed; allowed: loss partition/],
      ] as const) {
        const run = await runTool('network', { target, args: [...args], env: { TOE_DURATION_SECONDS: '2' } });
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}`);
        assert.match(run.result?.message ?? '', why, args.join(' '));
        assert.doesNotMatch(rules(target), /TOE-/);
      }
    } finally {
      await target.stop();
    }
  });
});
