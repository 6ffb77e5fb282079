import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// Admission checks a PowerTool's args against its config's allowlist; the entrypoint checks them again with its
// own bounds (the image can run without the operator). The entrypoint is the tool's safety bound and the allowlist
// may only narrow it: every extreme value admission admits must pass the entrypoint's checks, or a run admitted
// by the API fails at once in the pod. TOE_CHECK_ARGS=1 runs only the entrypoint's argument checks.
const root = join(import.meta.dirname, '..');
const busybox = '/bin/busybox';

interface Parameter {
  name: string;
  flag: string;
  min?: string | number;
  max?: string | number;
}

const tools = readdirSync(root).filter((t) => existsSync(join(root, t, 'config.yaml')));

function check(tool: string, args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(busybox, ['sh', join(root, tool, 'entrypoint.sh'), ...args], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', TOE_CHECK_ARGS: '1' },
  });
  return { code: r.status, stderr: r.stderr };
}

describe('entrypoint bounds against the allowlist', { skip: existsSync(busybox) ? undefined : `needs ${busybox}` }, () => {
  it('finds every tool', () => assert.ok(tools.length >= 7, tools.join(' ')));
  for (const tool of tools) {
    const config = parse(readFileSync(join(root, tool, 'config.yaml'), 'utf8')) as { spec: { parameters?: Parameter[] } };
    const bounded = (config.spec.parameters ?? []).filter((p) => p.min !== undefined || p.max !== undefined);
    for (const p of bounded) {
      for (const v of [p.min, p.max].filter((x) => x !== undefined)) {
        it(`${tool}: the entrypoint accepts ${p.flag}=${String(v)}, which the allowlist admits`, () => {
          const r = check(tool, [`${p.flag}=${String(v)}`]);
          assert.equal(r.code, 0, r.stderr);
        });
      }
    }
  }
  it('refuses in check mode what the entrypoint refuses', () => {
    const r = check('cpu', ['--workers=5']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--workers: 5 is out of range; allowed: 1\.\.4/);
  });
});
