import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { TargetRow } from '../model.ts';
import { TARGET_COLUMNS, targetsCsv } from './csv.ts';

const row = (over: Partial<TargetRow>): TargetRow => ({
  powerTool: 'shop/web-cpu',
  pod: 'web-1',
  container: 'app',
  phase: 'Succeeded',
  partial: false,
  artifacts: 2,
  bytes: 2048,
  ...over,
});

const read = (text: string): string[][] => parse(text, { relaxColumnCount: false, record_delimiter: '\r\n' }) as string[][];

describe('targets CSV', () => {
  it('reads back, by a CSV parser, as the rows it was written from, quotes, commas and line breaks included', () => {
    const message = 'stress-ng said "no",\r\nthen stopped';
    const rows = read(
      targetsCsv([
        row({ message, startedAt: '2026-12-07T10:00:00Z', finishedAt: '2026-12-07T10:00:30Z', exitCode: 0 }),
        row({ pod: 'web-2', phase: 'Failed', exitCode: 1, partial: true }),
      ]),
    );
    assert.deepEqual(rows[0], [...TARGET_COLUMNS]);
    assert.equal(rows.length, 3);
    const first = Object.fromEntries(TARGET_COLUMNS.map((c, i) => [c, rows[1]?.[i]]));
    assert.equal(first.message, message);
    assert.equal(first.durationSeconds, '30');
    assert.equal(first.bytes, '2048');
    assert.equal(rows[2]?.[TARGET_COLUMNS.indexOf('partial')], 'true');
    assert.equal(rows[2]?.[TARGET_COLUMNS.indexOf('durationSeconds')], '');
  });

  it('never hands a spreadsheet a formula: cells starting with = + - @ are quoted with a leading apostrophe', () => {
    const rows = read(targetsCsv([row({ pod: '=HYPERLINK("http://x")', message: '@SUM(A1)', reason: '-1+2', container: '+x' })]));
    const cells = rows[1] ?? [];
    for (const c of [cells[1], cells[2], cells[4], cells[13]]) assert.equal(c?.startsWith("'"), true, `${c} is not defused`);
  });

  it('has a header only when there are no targets', () => {
    assert.deepEqual(read(targetsCsv([])), [[...TARGET_COLUMNS]]);
  });
});
