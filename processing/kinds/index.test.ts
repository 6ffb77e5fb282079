import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kindOf, kinds, reportedKinds } from './index.ts';

const hostile: unknown[] = [undefined, null, 0, 5, 'x', true, [], {}, [null, 1, 'a'], { rows: 'x', topFunctions: {} }, { packets: 'many' }];

describe('the kinds table', () => {
  it('lists the RCA evidence in the order the LLM prompt tie-breaks on', () => {
    assert.deepEqual(
      kinds.map((k) => k.name),
      ['perf', 'runtime', 'strace', 'tcpdump', 'timeline', 'cgroup'],
    );
  });

  it('gives every artifact name to exactly one kind, and a parser to every kind that reads one', () => {
    const names = kinds.flatMap((k) => k.artifacts);
    assert.equal(new Set(names).size, names.length, `an artifact name is claimed twice: ${names.join(', ')}`);
    for (const k of kinds) if (k.artifacts.length > 0) assert.equal(typeof (k as { parse?: unknown }).parse, 'function', k.name);
  });

  it('finds the kind by artifact name, and none for an unknown one', () => {
    assert.equal(kindOf('perf.script')?.name, 'perf');
    assert.equal(kindOf('strace.summary')?.name, 'strace');
    assert.equal(kindOf('strace.trace')?.name, 'strace');
    assert.equal(kindOf('capture.pcap')?.name, 'tcpdump');
    assert.equal(kindOf('samples.jsonl')?.name, 'timeline');
    assert.equal(kindOf('perf.data.tar'), undefined);
    assert.equal(kindOf(''), undefined);
    assert.equal(kindOf('toString'), undefined);
  });

  it('keeps names, RCA fields, report fields, section ids and places apart', () => {
    const unique = (xs: unknown[]): boolean => new Set(xs).size === xs.length;
    assert.ok(unique(kinds.map((k) => k.name)));
    assert.ok(unique(kinds.map((k) => k.rca.key)));
    const reported = reportedKinds();
    assert.ok(unique(reported.map((k) => k.report.field)));
    assert.ok(unique(reported.map((k) => k.report.toc.id)));
    assert.ok(unique(reported.map((k) => k.report.order)));
  });

  it('places the fault timeline first on the page, then the profile, syscalls and network', () => {
    assert.deepEqual(
      reportedKinds().map((k) => k.report.toc.id),
      ['timeline', 'profile', 'runtime-profiles', 'syscalls', 'traffic'],
    );
  });

  it('never throws on a field of the wrong shape (a fixture or hostile JSON)', () => {
    for (const k of kinds) {
      for (const slice of hostile) {
        const evidence = k.rca.evidence(slice);
        assert.ok(Array.isArray(evidence), `${k.name} on ${JSON.stringify(slice)}`);
        for (const e of evidence) assert.ok(e.id.startsWith('ev-'), `${k.name}: ${e.id}`);
      }
    }
  });

  it('renders an empty section as nothing', () => {
    for (const k of reportedKinds()) assert.equal(k.report.render(undefined).value, '', k.name);
  });
});
