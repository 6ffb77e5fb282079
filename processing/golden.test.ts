/**
 * The safety net for reorganising processing: reports rendered from the committed fixture artifacts through the
 * whole path (processors by artifact name → evidence → report model → HTML) must stay byte for byte what they were.
 * The expected pages and evidence sets are in fixtures/golden/; after a deliberate change to the report, rewrite
 * them with `TOE_UPDATE_GOLDEN=1 node --import tsx --test processing/golden.test.ts`, run `npx prettier --write
 * processing/fixtures/golden/` and review the diff.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { EventsV1Event, V1Pod } from '@kubernetes/client-node';
import { buildEvidence } from './rca/evidence.ts';
import { renderReport } from './report/page.ts';
import { RESULT_FILES } from './report/results/files.ts';
import { mergeEvidence, rcaInput, reportModel, type Run } from './pipeline/assemble.ts';
import { processRun } from './pipeline/process.ts';
import type { ArtifactInput, RunInputs, RunPowerTool as LivePowerTool } from './run.ts';
import type { AnalysisResult } from './rca/analyse.ts';

const golden = (name: string): URL => new URL(`./fixtures/golden/${name}`, import.meta.url);
const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

/** An artifact named `name` in the run whose bytes are the fixture `file`. */
const artifact = (pod: string, name: string, file = name, partial = false): ArtifactInput => ({
  pod,
  name,
  partial,
  open: async () => createReadStream(fixture(file)),
});

function powerTool(name: string, tool: string, startedAt: string, finishedAt: string, effect?: Record<string, unknown>): LivePowerTool {
  return {
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerTool',
    metadata: { name, namespace: 'shop', uid: `uid-${name}` },
    spec: {
      targets: { selector: { matchLabels: { app: 'web' } }, maxTargets: 10 },
      tool: { name: tool, args: [] },
      output: { mode: 'collector' },
      dryRun: false,
      suspend: false,
    },
    status: {
      phase: 'Succeeded',
      startedAt,
      finishedAt,
      requestedBy: { username: 'alice@example.com' },
      targets: ['web-1', 'web-2'].map((pod) => ({
        pod,
        container: 'app',
        ephemeralContainer: `toe-${tool}-1`,
        phase: 'Succeeded' as const,
        startedAt,
        finishedAt,
        exitCode: 0,
        ...(effect ? { result: { effect } } : {}),
      })),
    },
  } as LivePowerTool;
}

/** The same run with an http probe that breached during it (the run aborted) and recovered 12 s later. */
function breached(pt: LivePowerTool): LivePowerTool {
  const status = pt.status ?? {};
  return {
    ...pt,
    spec: {
      ...pt.spec,
      steadyState: [
        {
          name: 'checkout',
          kind: 'http',
          interval: '2s',
          failureThreshold: 2,
          recoveryTimeout: '1m',
          http: { service: 'web', port: 8080, path: '/healthz', method: 'GET', expectStatus: 200, timeout: '1s', maxLatency: '200ms' },
        },
      ],
    },
    status: {
      ...status,
      phase: 'Failed',
      conditions: [
        {
          type: 'SteadyStateHeld',
          status: 'False',
          reason: 'Breached',
          message: 'probe checkout breached (2 failed check(s)), the run was aborted, and it recovered after 12s',
          lastTransitionTime: '2026-11-22T03:32:45Z',
        },
      ],
      steadyState: {
        stage: 'Done',
        runEndedAt: '2026-11-22T03:32:33Z',
        probes: [
          {
            name: 'checkout',
            checks: 9,
            failures: 2,
            consecutiveFailures: 0,
            lastResult: 'Pass',
            lastValue: '200 in 4ms',
            lastCheckAt: '2026-11-22T03:32:45Z',
            firstBreachAt: '2026-11-22T03:32:31Z',
            breachedAt: '2026-11-22T03:32:33Z',
            recoveredAt: '2026-11-22T03:32:43Z',
            recoverySeconds: 12,
          },
        ],
      },
      targets: (status.targets ?? []).map((t, i) =>
        i === 0
          ? { ...t, phase: 'Stopped' as const, stopReason: 'SteadyStateBreached' as const }
          : { ...t, phase: 'Failed' as const, exitCode: 1, reason: 'Error', message: 'stress-ng: "cannot" start, = retry' },
      ),
    },
  } as LivePowerTool;
}

const pod: V1Pod = {
  metadata: { name: 'web-1', namespace: 'shop', uid: 'pod-uid-web-1' },
  spec: {
    nodeName: 'node-a',
    containers: [{ name: 'app', image: 'shop/web:1', resources: { limits: { cpu: '1', memory: '64Mi' } } }],
  },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'app',
        image: 'shop/web:1',
        imageID: '',
        ready: true,
        restartCount: 1,
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: new Date('2026-11-22T03:32:30Z') } },
        state: { running: { startedAt: new Date('2026-11-22T03:32:31Z') } },
      },
    ],
  },
};

const events: EventsV1Event[] = [
  {
    metadata: { name: 'web-1.1', namespace: 'shop', creationTimestamp: new Date('2026-11-22T03:32:29Z') },
    eventTime: new Date('2026-11-22T03:32:29Z') as never,
    regarding: { kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'pod-uid-web-1' },
    reason: 'Unhealthy',
    note: 'Readiness probe failed: connection refused',
    type: 'Warning',
    action: 'Probe',
    reportingController: 'kubelet',
    reportingInstance: 'node-a',
  },
];

async function run(pt: LivePowerTool, artifacts: ArtifactInput[], opts: { pods?: V1Pod[]; notes?: string[] } = {}): Promise<Run> {
  const inputs: RunInputs = { pt, pods: opts.pods ?? [], events: opts.pods ? events : [], artifacts, notes: opts.notes ?? [] };
  return { inputs, processed: await processRun(inputs) };
}

interface Scenario {
  name: string;
  title: { namespace: string; name: string };
  runs: () => Promise<Run[]>;
  analysis?: AnalysisResult;
  notes?: string[];
  /** Also compare the JSON, CSV and JUnit files written beside the page. */
  results?: boolean;
}

const broken: ArtifactInput = {
  pod: 'web-2',
  name: 'strace.summary',
  partial: false,
  open: async () => Promise.reject(new Error('connection reset')),
};

const scenarios: Scenario[] = [
  {
    name: 'perf',
    results: true,
    title: { namespace: 'shop', name: 'profiles' },
    runs: async () => [
      await run(
        powerTool('web-perf', 'perf', '2026-11-22T03:32:20Z', '2026-11-22T03:32:40Z'),
        [artifact('web-1', 'perf.script'), artifact('web-2', 'perf.script'), artifact('web-1', 'perf.data.tar', 'busy.c')],
        { pods: [pod], notes: ['1 target pod(s) no longer exist (web-2): their current state is not in this report.'] },
      ),
    ],
  },
  {
    name: 'strace',
    title: { namespace: 'shop', name: 'syscalls' },
    runs: async () => [
      await run(powerTool('web-strace', 'strace', '2026-11-22T03:32:20Z', '2026-11-22T03:32:40Z'), [
        artifact('web-1', 'strace.summary'),
        artifact('web-1', 'strace.trace', 'strace.trace', true),
        broken,
      ]),
    ],
  },
  {
    name: 'tcpdump',
    title: { namespace: 'shop', name: 'network' },
    runs: async () => [
      await run(powerTool('web-tcpdump', 'tcpdump', '2026-11-22T03:32:20Z', '2026-11-22T03:32:40Z'), [
        artifact('web-1', 'capture.pcap', 'lo.pcap'),
        artifact('web-2', 'capture.pcap', 'any.pcap'),
      ]),
    ],
  },
  {
    name: 'fault-period',
    results: true,
    title: { namespace: 'shop', name: 'nightly' },
    analysis: { status: 'Failed', reason: 'cannot reach Ollama at http://ollama:11434 (ECONNREFUSED)', attempts: 1, errors: [] },
    notes: ['Covers the 3 run(s) that finished between 2026-11-22T03:30:00.000Z and 2026-11-22T03:35:00.000Z.'],
    runs: async () => [
      await run(
        breached(
          powerTool('web-cpu', 'cpu', '2026-11-22T03:32:23.296958Z', '2026-11-22T03:32:33.260337Z', {
            requestedMillicores: 1000,
            faultStartedAt: '2026-11-22T03:32:24Z',
            faultEndedAt: '2026-11-22T03:32:33Z',
          }),
        ),
        [artifact('web-1', 'samples.jsonl')],
        { pods: [pod] },
      ),
      await run(powerTool('web-perf', 'perf', '2026-11-22T03:32:25Z', '2026-11-22T03:32:27Z'), [artifact('web-1', 'perf.script')]),
      await run(powerTool('web-strace', 'strace', '2026-11-22T03:32:25Z', '2026-11-22T03:32:27Z'), [
        artifact('web-1', 'strace.trace'),
        artifact('web-1', 'capture.pcap', 'lo.pcap'),
      ]),
    ],
  },
];

const update = process.env.TOE_UPDATE_GOLDEN === '1';

async function compare(name: string, actual: string): Promise<void> {
  if (update) {
    await mkdir(golden(''), { recursive: true });
    await writeFile(golden(name), actual);
    return;
  }
  const expected = await readFile(golden(name), 'utf8');
  // The evidence files are formatted by prettier; their order is what counts (the LLM prompt tie-breaks on it).
  if (name.endsWith('.json')) return assert.deepEqual(JSON.parse(actual), JSON.parse(expected), `${name} differs from the golden file`);
  if (actual === expected) return;
  const at = [...actual].findIndex((c, i) => c !== expected[i]);
  assert.fail(`${name} differs from the golden file at character ${at}: …${actual.slice(Math.max(0, at - 80), at + 80)}…`);
}

describe('reports from fixture artifacts (golden)', () => {
  for (const s of scenarios) {
    it(`renders the ${s.name} report as before`, async () => {
      const runs = await s.runs();
      const set = mergeEvidence(runs.map((r) => buildEvidence(rcaInput(r))));
      const model = reportModel({
        id: `golden-${s.name}`,
        generatedAt: '2026-11-22T03:40:00Z',
        title: s.title,
        runs,
        set,
        analysis: s.analysis ?? { status: 'None' },
        notes: s.notes ?? [],
      });
      await compare(`${s.name}.evidence.json`, `${JSON.stringify(set, null, 1)}\n`);
      await compare(`${s.name}.html`, renderReport(model));
      if (s.results) for (const f of RESULT_FILES) await compare(`${s.name}${f.suffix}`, f.render(model));
    });
  }
});
