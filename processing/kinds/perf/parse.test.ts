import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { describe, it } from 'node:test';
import { formatFolded, mergeFolded, parseFolded } from './folded.ts';
import { OTHER_FRAME, TRUNCATED_FRAME, collapsePerfScript } from './parse.ts';

const fixture = new URL('../../fixtures/perf.script', import.meta.url);

/** Splits text into awkward chunks, as a network stream would deliver it. */
function* chunks(text: string, size = 7): Generator<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const sample = (comm: string, pid: string, frames: string[], period = 1000): string =>
  `${comm} ${pid}  100.000001:    ${period} cpu-clock: \n${frames.map((f) => `\t    ${f}\n`).join('')}\n`;

describe('collapsePerfScript', () => {
  it('folds a real perf script of a busy program, hot function first', async () => {
    const p = await collapsePerfScript(createReadStream(fixture));
    assert.equal(p.stats.samples, 196);
    assert.equal(p.total, 196);
    assert.equal(p.stacks.get('busy;__libc_start_call_main;main;hot_loop'), 148);
    assert.equal(p.stacks.get('busy;__libc_start_call_main;main;warm_path'), 41);
    assert.equal(p.stats.garbageLines, 0);
    assert.equal(p.stats.droppedPartialSample, false);
  });

  it('counts samples per second of perf time when asked, to place the profile on a timeline', async () => {
    const p = await collapsePerfScript(createReadStream(fixture), { timeSeries: true });
    assert.deepEqual(
      p.timeSeries?.map((b) => b.t),
      [640, 641],
    );
    assert.equal(p.timeSeries?.[0]?.samples, 156);
    assert.equal(p.timeSeries?.[1]?.samples, 40);
    assert.equal((await collapsePerfScript(createReadStream(fixture))).timeSeries, undefined);
  });

  it('strips offsets, keeps [unknown] frames and names an unknown symbol by its module', async () => {
    const text = sample('app', '42/43', [
      '1a [unknown] ([unknown])',
      '2b [unknown] (/usr/lib/libfoo.so.1)',
      '3c do_work+0x1f (/app/bin)',
      '4d main+0x10 (/app/bin)',
    ]);
    const p = await collapsePerfScript([text]);
    assert.deepEqual([...p.stacks], [['app;main;do_work;[libfoo.so.1];[unknown]', 1]]);
  });

  it('groups by pid or thread, or not at all, and can weigh by period', async () => {
    const text = sample('web server', '7/9', ['1 f+0x1 (/x)']) + sample('web server', '7/8', ['1 f+0x1 (/x)'], 500);
    assert.deepEqual([...(await collapsePerfScript([text], { group: 'pid' })).stacks], [['web server-7;f', 2]]);
    assert.deepEqual([...(await collapsePerfScript([text], { group: 'tid' })).stacks].sort(), [
      ['web server-7/8;f', 1],
      ['web server-7/9;f', 1],
    ]);
    const spaced = sample('Web Content 2', '77/78', ['1 f (/x)']);
    assert.deepEqual([...(await collapsePerfScript([spaced], { group: 'tid' })).stacks], [['Web Content 2-77/78;f', 1]]);
    assert.deepEqual(
      [...(await collapsePerfScript([sample('kworker/u4:2', '9', ['1 f (/x)'])], { group: 'tid' })).stacks],
      [['kworker/u4:2-9/9;f', 1]],
    );
    const none = await collapsePerfScript([text], { group: 'none', weight: 'period' });
    assert.deepEqual([...none.stacks], [['f', 1500]]);
    assert.equal(none.rootFrames, 0);
  });

  it('reads CRLF line endings and chunks that split lines and characters anywhere', async () => {
    const text = (sample('app', '1', ['1 héllo_wörld+0x1 (/x)', '2 main (/x)']) + sample('app', '1', ['1 main (/x)'])).replace(
      /\n/g,
      '\r\n',
    );
    const p = await collapsePerfScript(chunks(text, 3));
    assert.deepEqual(
      [...p.stacks],
      [
        ['app;main;héllo_wörld', 1],
        ['app;main', 1],
      ],
    );
  });

  it('drops a truncated last sample of a partial artifact and says so', async () => {
    const text = sample('app', '1', ['1 leaf (/x)', '2 main (/x)']) + 'app 1  100.2:  1000 cpu-clock: \n\t 1 leaf (/x)\n\t 2 ma';
    const p = await collapsePerfScript([text]);
    assert.equal(p.stats.samples, 1);
    assert.equal(p.stats.droppedPartialSample, true);
    assert.deepEqual([...p.stacks], [['app;main;leaf', 1]]);
  });

  it('counts garbage lines and carries on', async () => {
    const text = `garbage without pid\n\tnot-hex frame (x)\n${sample('app', '1', ['1 f (/x)'])}\u0000\u0001 junk\n${sample('app', '1', ['zz nothex (/x)', '1 g (/x)'])}`;
    const p = await collapsePerfScript([text]);
    assert.deepEqual([...p.stacks].sort(), [
      ['app;f', 1],
      ['app;g', 1],
    ]);
    assert.equal(p.stats.garbageLines, 4);
  });

  it('cuts huge stacks at maxDepth and folds overflowing distinct stacks into [other]', async () => {
    const deep = sample(
      'app',
      '1',
      Array.from({ length: 5000 }, (_, i) => `${i.toString(16)} f${i} (/x)`),
    );
    const p = await collapsePerfScript([deep], { maxDepth: 10 });
    const [stack] = [...p.stacks.keys()];
    assert.equal(stack, `app;${TRUNCATED_FRAME};f9;f8;f7;f6;f5;f4;f3;f2;f1;f0`);
    assert.equal(p.stats.truncatedStacks, 1);
    const many = Array.from({ length: 20 }, (_, i) => sample('app', '1', [`1 fn${i} (/x)`])).join('');
    const q = await collapsePerfScript([many], { maxStacks: 5 });
    assert.equal(q.stacks.size, 6);
    assert.equal(q.stacks.get(OTHER_FRAME), 15);
    assert.equal(q.total, 20);
    const r = await collapsePerfScript([many], { maxStackChars: 30 });
    assert.equal(r.stacks.size, 5, 'four stacks of 7 characters fit in 30, then [other]');
    assert.equal(r.stacks.get(OTHER_FRAME), 16);
  });

  it('keeps hostile names as data: semicolons cannot split a frame', async () => {
    const p = await collapsePerfScript([sample('<script>', '1', ['1 a;b<img src=x>+0x1 (/x)'])]);
    assert.deepEqual([...p.stacks], [['<script>;a:b<img src=x>', 1]]);
  });

  it('drops an overlong line instead of buffering it', async () => {
    const huge = 'x'.repeat(3 << 20);
    const p = await collapsePerfScript(
      chunks(`${sample('app', '1', ['1 f (/x)'])}\t1 ${huge} (/x)\n${sample('app', '1', ['1 f (/x)'])}`, 65536),
    );
    assert.equal(p.stats.overlongLines, 1);
    assert.equal(p.stacks.get('app;f'), 2);
  });
});

describe('folded text', () => {
  it('round-trips, merges targets, and labels them when asked', async () => {
    const a = await collapsePerfScript(createReadStream(fixture));
    const back = await parseFolded([formatFolded(a)]);
    assert.deepEqual(back.stacks, a.stacks);
    assert.equal(back.invalidLines, 0);
    const merged = mergeFolded([a, back]);
    assert.equal(merged.total, 392);
    assert.equal(merged.stacks.get('busy;__libc_start_call_main;main;hot_loop'), 296);
    const labelled = mergeFolded([a, back], ['pod-a', 'pod-b']);
    assert.equal(labelled.stacks.get('pod-b;busy;__libc_start_call_main;main;hot_loop'), 148);
    assert.equal(labelled.rootFrames, 2);
    const bad = await parseFolded(['a;b 3\nno-count\na;b x\n a 1\nc \n']);
    assert.equal(bad.invalidLines, 3);
  });
});
