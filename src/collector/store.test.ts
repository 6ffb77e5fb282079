import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Store, type Writer } from './store.ts';
import type { Limits } from './limits.ts';

const uid = '0f8e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const web0: Writer = { namespace: 'shop', powerToolUID: uid, podName: 'web-0', podUID: '11111111-1111-4111-8111-111111111111' };
const web1: Writer = { ...web0, podName: 'web-1', podUID: '22222222-2222-4222-8222-222222222222' };
const limits: Limits = { maxArtifactBytes: 1000, maxRunBytes: 1500, idleTimeoutMs: 60_000 };

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'toe-store-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let n = 0;
async function fresh(l: Limits = limits, now?: () => number): Promise<{ store: Store; dir: string }> {
  const dir = join(root, `case-${++n}`);
  return { store: await Store.open(dir, l, now), dir };
}

const body = (...parts: string[]): Readable => Readable.from(parts.map((p) => Buffer.from(p)));
/** Waits until the store has taken `bytes` of a body that is still open (no clock involved). */
async function received(store: Store, w: Writer, artifact: string, bytes: number): Promise<void> {
  while ((await store.offset(w, artifact)).offset < bytes) await new Promise((r) => setImmediate(r));
}
const ownerDir = (dir: string, w: Writer): string => join(dir, w.namespace, w.powerToolUID, w.podName);

describe('Store uploads', () => {
  it('appends at exact offsets and reports the offset', async () => {
    const { store, dir } = await fresh();
    assert.deepEqual(await store.offset(web0, 'perf.script'), { offset: 0, complete: false });
    assert.deepEqual(await store.append(web0, 'perf.script', 0, body('hello ', 'wor')), { kind: 'accepted', offset: 9 });
    assert.deepEqual(await store.append(web0, 'perf.script', 9, body('ld')), { kind: 'accepted', offset: 11 });
    assert.deepEqual(await store.offset(web0, 'perf.script'), { offset: 11, complete: false });
    assert.equal(await readFile(join(ownerDir(dir, web0), '.perf.script.upload'), 'utf8'), 'hello world');
  });

  it('refuses a wrong offset with the current one and writes nothing', async () => {
    const { store, dir } = await fresh();
    await store.append(web0, 'a', 0, body('12345'));
    for (const wrong of [0, 3, 6]) {
      const out = await store.append(web0, 'a', wrong, body('xx'));
      assert.equal(out.kind, 'conflict');
      assert.equal(out.offset, 5);
    }
    assert.equal(await readFile(join(ownerDir(dir, web0), '.a.upload'), 'utf8'), '12345');
  });

  it('keeps the bytes of an interrupted body and resumes from there', async () => {
    const { store, dir } = await fresh();
    const broken = new PassThrough();
    const pending = store.append(web0, 'trace', 0, broken);
    broken.write('first-');
    await received(store, web0, 'trace', 6);
    broken.destroy(new Error('connection reset'));
    assert.deepEqual(await pending, { kind: 'aborted', offset: 6 });
    assert.deepEqual(await store.append(web0, 'trace', 6, body('second')), { kind: 'accepted', offset: 12 });
    assert.equal(await readFile(join(ownerDir(dir, web0), '.trace.upload'), 'utf8'), 'first-second');
  });

  it('refuses a second writer while one streams', async () => {
    const { store } = await fresh();
    const slow = new PassThrough();
    const first = store.append(web0, 'a', 0, slow);
    const second = await store.append(web0, 'a', 0, body('x'));
    assert.equal(second.kind, 'conflict');
    assert.match(second.kind === 'conflict' ? second.reason : '', /another request/);
    slow.end('abc');
    assert.deepEqual(await first, { kind: 'accepted', offset: 3 });
  });

  it('refuses a recreated pod with the same name resuming the old pod upload', async () => {
    const { store } = await fresh();
    await store.append(web0, 'a', 0, body('abc'));
    const impostor = { ...web0, podUID: '33333333-3333-4333-8333-333333333333' };
    const out = await store.append(impostor, 'a', 3, body('def'));
    assert.equal(out.kind, 'conflict');
    assert.equal((await store.complete(impostor, 'a', false)).kind, 'conflict');
  });

  it('keeps pods apart under the same run', async () => {
    const { store, dir } = await fresh();
    await store.append(web0, 'a', 0, body('zero'));
    await store.append(web1, 'a', 0, body('one'));
    assert.equal(await readFile(join(ownerDir(dir, web0), '.a.upload'), 'utf8'), 'zero');
    assert.equal(await readFile(join(ownerDir(dir, web1), '.a.upload'), 'utf8'), 'one');
  });
});

describe('Store completion', () => {
  it('renames into place and writes the sidecar with size, partial flag, digest and pod UID', async () => {
    const { store, dir } = await fresh(limits, () => Date.parse('2026-11-22T10:00:00Z'));
    await store.append(web0, 'perf.script', 0, body('stack;a 1\n'));
    const out = await store.complete(web0, 'perf.script', true);
    assert.equal(out.kind, 'completed');
    const files = (await readdir(ownerDir(dir, web0))).sort();
    assert.deepEqual(files, ['perf.script', 'perf.script.meta.json']);
    const meta = JSON.parse(await readFile(join(ownerDir(dir, web0), 'perf.script.meta.json'), 'utf8'));
    assert.deepEqual(meta, {
      bytes: 10,
      partial: true,
      sha256: createHash('sha256').update('stack;a 1\n').digest('hex'),
      completedAt: '2026-11-22T10:00:00.000Z',
      podUID: web0.podUID,
      finalisedBy: 'client',
    });
    assert.deepEqual(await store.offset(web0, 'perf.script'), { offset: 10, complete: true, partial: true });
  });

  it('is idempotent and refuses writes after completion', async () => {
    const { store } = await fresh();
    await store.append(web0, 'a', 0, body('abc'));
    const first = await store.complete(web0, 'a', false);
    const again = await store.complete(web0, 'a', true);
    assert.equal(again.kind === 'completed' && again.already, true);
    assert.deepEqual(again.kind === 'completed' && again.meta, first.kind === 'completed' && first.meta);
    const late = await store.append(web0, 'a', 3, body('d'));
    assert.deepEqual(late.kind === 'conflict' && [late.offset, late.complete], [3, true]);
  });

  it('completes an artifact that never received a byte as empty', async () => {
    const { store } = await fresh();
    const out = await store.complete(web0, 'strace.summary', false);
    assert.equal(out.kind === 'completed' && out.meta.bytes, 0);
    assert.equal(out.kind === 'completed' && out.meta.partial, false);
  });

  it('reports an artifact whose sidecar was lost (a crash between the renames) as partial', async () => {
    const { store, dir } = await fresh();
    await store.append(web0, 'a', 0, body('abc'));
    await store.complete(web0, 'a', false);
    await rm(join(ownerDir(dir, web0), 'a.meta.json'));
    const listed = await store.list('shop', uid);
    assert.deepEqual(listed, [{ pod: 'web-0', name: 'a', state: 'complete', bytes: 3, partial: true }]);
  });
});

describe('Store caps', () => {
  it('refuses a declared body that would cross the artifact cap, keeping what came before', async () => {
    const { store } = await fresh();
    await store.append(web0, 'a', 0, body('x'.repeat(900)));
    const out = await store.append(web0, 'a', 900, body('y'.repeat(200)), 200);
    assert.deepEqual(out, { kind: 'capped', offset: 900, cap: 'artifact' });
    // A smaller chunk would fit, but accepting it would leave a hole where the refused one belonged.
    assert.deepEqual(await store.append(web0, 'a', 900, body('z'), 1), { kind: 'capped', offset: 900, cap: 'artifact' });
    const done = await store.complete(web0, 'a', false);
    assert.equal(done.kind === 'completed' && done.meta.partial, true);
    assert.equal(done.kind === 'completed' && done.meta.capped, 'artifact');
    assert.equal(done.kind === 'completed' && done.meta.bytes, 900);
  });

  it('keeps a streamed body of unknown length up to the cap exactly', async () => {
    const { store } = await fresh();
    const out = await store.append(web0, 'a', 0, body('x'.repeat(600), 'y'.repeat(600)));
    assert.deepEqual(out, { kind: 'capped', offset: 1000, cap: 'artifact' });
    assert.equal(store.runBytes('shop', uid), 1000);
  });

  it('limits a run across its pods and artifacts', async () => {
    const { store } = await fresh();
    await store.append(web0, 'a', 0, body('x'.repeat(800)));
    await store.complete(web0, 'a', false);
    assert.deepEqual(await store.append(web1, 'b', 0, body('y'.repeat(500))), { kind: 'accepted', offset: 500 });
    assert.deepEqual(await store.append(web1, 'c', 0, body('z'.repeat(300))), { kind: 'capped', offset: 200, cap: 'run' });
    assert.equal(store.runBytes('shop', uid), 1500);
    // Another run has its own budget.
    const other = { ...web0, powerToolUID: '99999999-9999-4999-8999-999999999999' };
    assert.deepEqual(await store.append(other, 'a', 0, body('q'.repeat(700))), { kind: 'accepted', offset: 700 });
  });
});

describe('Store restart', () => {
  it('restores offsets, run totals and caps from disk', async () => {
    const { store, dir } = await fresh();
    await store.append(web0, 'a', 0, body('x'.repeat(400)));
    await store.complete(web0, 'a', false);
    await store.append(web1, 'b', 0, body('y'.repeat(300)));
    await store.append(web1, 'c', 0, body('z'.repeat(900)), 900);
    const again = await Store.open(dir, limits);
    assert.equal(again.runBytes('shop', uid), 700);
    assert.deepEqual(await again.offset(web1, 'b'), { offset: 300, complete: false });
    assert.deepEqual(await again.append(web1, 'b', 300, body('more')), { kind: 'accepted', offset: 304 });
    assert.deepEqual(await again.append(web1, 'c', 0, body('')), { kind: 'capped', offset: 0, cap: 'run' });
  });
});

describe('Store idle sweep', () => {
  it('finalises an upload untouched for the idle timeout as partial', async () => {
    let clock = 1_000_000;
    const { store, dir } = await fresh(limits, () => clock);
    await store.append(web0, 'perf.script', 0, body('partial data'));
    clock += 30_000;
    assert.deepEqual((await store.sweep()).finalised, []);
    clock += 30_000;
    const { finalised } = await store.sweep();
    assert.equal(finalised.length, 1);
    assert.deepEqual(finalised[0]?.meta.partial, true);
    assert.equal(finalised[0]?.meta.finalisedBy, 'idle-timeout');
    assert.equal(finalised[0]?.meta.bytes, 12);
    assert.equal(await readFile(join(ownerDir(dir, web0), 'perf.script'), 'utf8'), 'partial data');
  });

  it('counts an empty write as a touch', async () => {
    let clock = 1_000_000;
    const { store } = await fresh(limits, () => clock);
    await store.append(web0, 'a', 0, body('abc'));
    clock += 50_000;
    await store.append(web0, 'a', 3, body());
    clock += 50_000;
    assert.deepEqual((await store.sweep()).finalised, []);
  });

  it('ends a stalled body, then finalises what it delivered', async () => {
    let clock = 1_000_000;
    const { store } = await fresh(limits, () => clock);
    const stalled = new PassThrough();
    const pending = store.append(web0, 'capture.pcap', 0, stalled);
    stalled.write('packets');
    await received(store, web0, 'capture.pcap', 7);
    clock += 61_000;
    assert.deepEqual((await store.sweep()).finalised, []);
    assert.deepEqual(await pending, { kind: 'aborted', offset: 7 });
    const { finalised } = await store.sweep();
    assert.equal(finalised[0]?.meta.bytes, 7);
    assert.equal(finalised[0]?.meta.partial, true);
  });

  it('finalises an upload left by a previous process, judged by its file time', async () => {
    const { store, dir } = await fresh();
    await store.append(web0, 'a', 0, body('abc'));
    const later = await Store.open(dir, limits, () => Date.now() + 120_000);
    assert.equal((await later.sweep()).finalised.length, 1);
  });
});

describe('Store reads', () => {
  it('lists finished and in-progress artifacts per pod, and serves only finished ones', async () => {
    const { store, dir } = await fresh();
    await store.append(web0, 'a', 0, body('abc'));
    await store.complete(web0, 'a', false);
    await store.append(web1, 'b', 0, body('de'));
    await writeFile(join(ownerDir(dir, web1), 'stray file'), 'not ours');
    const listed = await store.list('shop', uid);
    assert.deepEqual(
      listed.map((a) => [a.pod, a.name, a.state, a.bytes, a.partial]),
      [
        ['web-0', 'a', 'complete', 3, false],
        ['web-1', 'b', 'uploading', 2, true],
      ],
    );
    const a = await store.read(web0, 'a');
    assert.equal(typeof a === 'object' && (await readFile(a.path, 'utf8')), 'abc');
    assert.equal(await store.read(web1, 'b'), 'uploading');
    assert.equal(await store.read(web1, 'nothing'), undefined);
    assert.deepEqual(await store.list('shop', '99999999-9999-4999-8999-999999999999'), []);
  });
});
