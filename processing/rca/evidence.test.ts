import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildEvidence, type RcaInput } from './evidence.ts';
import { causes, type Cause, type Severity } from './types.ts';

interface Fixture {
  name: string;
  description: string;
  expectedCause: Cause;
  /** The finding the scenario must produce: its id, severity and the evidence it must cite. */
  expectedFinding: { id: string; severity: Severity; evidence: string[] };
  input: RcaInput;
}

const dir = new URL('./fixtures/', import.meta.url);
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Omit<Fixture, 'name'>) }));

const minimal = (): RcaInput => structuredClone(fixtures.find((f) => f.name === 'hot-function')?.input) as RcaInput;

describe('evidence: fixture scenarios with a known cause', () => {
  it('has at least 10 scenarios, each with a cause from the closed list', () => {
    assert.ok(fixtures.length >= 10, `only ${fixtures.length} fixtures`);
    for (const f of fixtures) assert.ok(causes.includes(f.expectedCause), `${f.name}: unknown cause ${f.expectedCause}`);
  });

  for (const f of fixtures) {
    it(`${f.name}: finds ${f.expectedCause} first, as ${f.expectedFinding.id}`, () => {
      const { findings } = buildEvidence(f.input);
      const all = findings.map((x) => `${x.cause} ${x.id}`).join(', ') || 'nothing';
      assert.equal(findings[0]?.cause, f.expectedCause, `top finding of ${f.name}; found ${all}`);
      const found = findings.find((x) => x.id === f.expectedFinding.id);
      assert.ok(found, `${f.expectedFinding.id} missing; found ${all}`);
      assert.equal(found.cause, f.expectedCause);
      assert.equal(found.severity, f.expectedFinding.severity);
      for (const id of f.expectedFinding.evidence)
        assert.ok(found.evidence.includes(id), `${found.id} does not cite ${id}: ${found.evidence.join(', ')}`);
    });
  }
});

describe('evidence: ids and findings', () => {
  it('gives the same output for the same input', () => {
    for (const f of fixtures) assert.deepEqual(buildEvidence(structuredClone(f.input)), buildEvidence(structuredClone(f.input)));
  });

  it('keeps ids when pods and events arrive in another order', () => {
    for (const f of fixtures) {
      const shuffled = structuredClone(f.input);
      shuffled.pods?.reverse();
      shuffled.events?.reverse();
      const ids = (i: RcaInput): string[] =>
        buildEvidence(i)
          .evidence.map((e) => e.id)
          .sort();
      assert.deepEqual(ids(shuffled), ids(f.input), f.name);
    }
  });

  it('gives unique ids, and every finding cites evidence that exists', () => {
    for (const f of fixtures) {
      const { evidence, findings } = buildEvidence(f.input);
      const ids = new Set(evidence.map((e) => e.id));
      assert.equal(ids.size, evidence.length, `${f.name}: duplicate evidence ids`);
      assert.equal(new Set(findings.map((x) => x.id)).size, findings.length, `${f.name}: duplicate finding ids`);
      for (const x of findings) {
        assert.ok(x.evidence.length > 0, `${x.id} cites nothing`);
        for (const id of x.evidence) assert.ok(ids.has(id), `${x.id} cites missing ${id}`);
        assert.match(x.id, /^f-[a-z0-9-]+$/);
      }
      for (const id of ids) assert.match(id, /^ev-[a-z0-9-]+$/);
    }
  });

  it('sorts findings critical first', () => {
    const { findings } = buildEvidence(fixtures.find((f) => f.name === 'crashloop-main')?.input as RcaInput);
    const ranks = findings.map((x) => ['critical', 'warning', 'info'].indexOf(x.severity));
    assert.deepEqual(
      ranks,
      [...ranks].sort((a, b) => a - b),
    );
    assert.equal(findings[0]?.cause, 'CrashLoop');
  });

  it('tells a native sidecar (init container with restartPolicy Always) from the app', () => {
    const input = minimal();
    const pod = input.pods?.[0] as unknown as { spec: Record<string, unknown>; status: Record<string, unknown> };
    pod.spec.initContainers = [{ name: 'proxy', image: 'envoy:1', restartPolicy: 'Always' }];
    pod.status.initContainerStatuses = [
      { name: 'proxy', image: 'envoy:1', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: {} },
    ];
    const { findings } = buildEvidence(input);
    assert.ok(findings.some((x) => x.cause === 'CrashLoopingSidecar' && x.title.includes('proxy')));
    assert.ok(!findings.some((x) => x.cause === 'CrashLoop'));
  });

  it('finds no problem in a clean exit or in routine wait errors', () => {
    const input = minimal();
    const status = (input.pods?.[0] as unknown as { status: { containerStatuses: Record<string, unknown>[] } }).status;
    status.containerStatuses[0] = { ...status.containerStatuses[0], lastState: { terminated: { exitCode: 0, reason: 'Completed' } } };
    input.strace = { rows: [{ syscall: 'futex', calls: 5000, errors: 4000, errnos: { ETIMEDOUT: 4000 } }] };
    const { evidence, findings } = buildEvidence(input);
    assert.ok(!evidence.some((e) => e.kind === 'container-terminated'));
    assert.ok(findings.filter((x) => x.cause === 'SyscallErrors').every((x) => x.severity === 'info'));
  });

  it('names a steady state that did not hold, and finds nothing to say about one that held', () => {
    const breached = fixtures.find((f) => f.name === 'steady-state-breached')?.input as RcaInput;
    const status = (verdict: string): RcaInput => {
      const input = structuredClone(breached);
      const conditions = (input.powerTool as { status: { conditions: { type: string; reason: string; status: string }[] } }).status
        .conditions;
      const held = conditions.find((c) => c.type === 'SteadyStateHeld');
      if (held) Object.assign(held, { reason: verdict, status: verdict === 'Held' ? 'True' : 'False' });
      return input;
    };
    assert.ok(buildEvidence(status('Held')).evidence.some((e) => e.id === 'ev-steady-state' && e.summary.startsWith('steady state Held')));
    assert.equal(buildEvidence(status('Held')).findings.filter((f) => f.cause === 'SteadyStateBroken').length, 0);
    const before = buildEvidence(status('NotHeldBeforeStart')).findings.find((f) => f.cause === 'SteadyStateBroken');
    assert.match(before?.title ?? '', /did not hold before the start/);
    assert.match(before?.detail ?? '', /render/);
  });

  it('reads events.k8s.io/v1 Events (regarding, note, series) like core/v1 ones', () => {
    const { evidence } = buildEvidence(fixtures.find((f) => f.name === 'image-pull-failure')?.input as RcaInput);
    const failed = evidence.find((e) => e.kind === 'event' && e.data.reason === 'Failed');
    assert.equal(failed?.subject.pod, 'cart-5f4e3d2c1-j7k8l');
    assert.equal(failed?.subject.container, 'cart');
    assert.equal(failed?.data.count, 10);
    assert.match(String(failed?.data.message), /not found/);
  });
});

describe('evidence: hostile input', () => {
  it('survives missing and mistyped fields', () => {
    const inputs: unknown[] = [
      {},
      null,
      { powerTool: null },
      { powerTool: { status: { targets: 'nope' } }, pods: 'x', events: 7 },
      {
        powerTool: {},
        pods: [null, 1, 'pod', { metadata: {} }, { metadata: { name: 'p' }, status: { containerStatuses: [null, { name: 5 }] } }],
      },
      { powerTool: {}, events: [null, {}, { reason: 'BackOff', type: 'Warning', count: 'many', involvedObject: null }] },
      {
        powerTool: {},
        perf: { topFunctions: [{ name: null, selfPct: 'x' }, 5] },
        strace: { rows: {} },
        tcpdump: 'x',
        timeline: 3,
        cpuThrottling: [{}],
      },
      { powerTool: {}, timeline: { effect: { metric: 'cpu', requested: 0, measured: 10 }, recoverySeconds: 'soon' } },
    ];
    for (const input of inputs) {
      const out = buildEvidence(input as RcaInput);
      assert.ok(Array.isArray(out.evidence) && Array.isArray(out.findings));
      assert.ok(
        !out.evidence.some((e) => e.kind === 'input-unreadable'),
        JSON.stringify(out.evidence.filter((e) => e.kind === 'input-unreadable')),
      );
    }
  });

  it('survives arbitrary JSON in every field', () => {
    fc.assert(
      fc.property(
        fc.record({
          powerTool: fc.jsonValue(),
          pods: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 5 }), fc.jsonValue()),
          events: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 5 }), fc.jsonValue()),
          perf: fc.jsonValue(),
          strace: fc.jsonValue(),
          tcpdump: fc.jsonValue(),
          timeline: fc.jsonValue(),
          cpuThrottling: fc.jsonValue(),
        }),
        (input) => {
          const out = buildEvidence(input as unknown as RcaInput);
          assert.ok(!out.evidence.some((e) => e.kind === 'input-unreadable'), JSON.stringify(out.evidence));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('bounds its output on huge lists and says what it left out', () => {
    const input = minimal();
    const template = input.pods?.[0] as unknown as Record<string, unknown>;
    input.pods = Array.from({ length: 3000 }, (_, i) => ({
      ...template,
      metadata: { name: `p-${i}`, namespace: 'shop' },
    })) as RcaInput['pods'];
    input.events = Array.from({ length: 120_000 }, (_, i) => ({
      reason: 'Unhealthy',
      type: 'Warning',
      message: `Readiness probe failed: ${i}`,
      count: 1,
      involvedObject: { kind: 'Pod', name: `p-${i % 500}`, namespace: 'shop' },
    })) as unknown as RcaInput['events'];
    input.perf = { topFunctions: Array.from({ length: 50_000 }, (_, i) => ({ name: `f${i}`, selfPct: i % 100, totalPct: 100 })) };
    const { evidence, findings } = buildEvidence(input);
    assert.ok(evidence.filter((e) => e.kind === 'event').length <= 100);
    assert.ok(evidence.filter((e) => e.kind === 'hot-function').length <= 10);
    assert.ok(evidence.some((e) => e.id === 'ev-input-pods-truncated'));
    assert.ok(evidence.some((e) => e.id === 'ev-input-events-truncated'));
    assert.ok(findings.some((x) => x.cause === 'ProbeFailures'));
  });
});
