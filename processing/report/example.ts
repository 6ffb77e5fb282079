/**
 * A report built from the committed fixtures (a real perf profile, strace and tcpdump artifacts, a measured fault):
 * what the tests render and open in a browser, and a quick way to look at the report's layout.
 */
import { createReadStream } from 'node:fs';
import { collapsePerfScript } from '../kinds/perf/parse.ts';
import { parseStraceSummary, parseStraceTrace } from '../kinds/strace/parse.ts';
import { summarizePcap } from '../kinds/tcpdump/parse.ts';
import { addProfilerRun, buildFaultTimeline, expectedCpuMillicores } from '../kinds/timeline/parse.ts';
import { assemblePerf } from '../kinds/perf/assemble.ts';
import type { ReportModel } from './model.ts';

const fixture = (name: string): NodeJS.ReadableStream => createReadStream(new URL(`../fixtures/${name}`, import.meta.url));

/** `hostile` adds artifact strings that try to break out of the page. */
export async function exampleReport(hostile = ''): Promise<ReportModel> {
  const profile = await collapsePerfScript(fixture('perf.script'), { timeSeries: true });
  if (hostile) profile.stacks.set(`busy;main;${hostile}`, 3);
  const second = await collapsePerfScript(fixture('perf.script'));
  const baseline = {
    stacks: new Map([
      ['busy;__libc_start_call_main;main;hot_loop', 40],
      ['busy;__libc_start_call_main;main;warm_path', 60],
    ]),
    total: 100,
    rootFrames: 1,
  };
  const status = {
    phase: 'Succeeded' as const,
    startedAt: '2026-11-22T03:32:18Z',
    finishedAt: '2026-11-22T03:32:43Z',
    targets: [
      {
        pod: 'web-1',
        container: 'app',
        ephemeralContainer: 'toe-cpu-0123abcd',
        phase: 'Succeeded' as const,
        startedAt: '2026-11-22T03:32:23.296958Z',
        finishedAt: '2026-11-22T03:32:33.260337Z',
        result: { effect: { workers: 2, load: 50 } },
      },
    ],
  };
  const fault = await buildFaultTimeline({
    tool: 'cpu',
    status,
    pod: 'web-1',
    samples: fixture('samples.jsonl'),
    requested: { cpuMillicores: expectedCpuMillicores(2, 50), memoryBytes: 50 * 2 ** 20 },
    podFacts: [
      {
        pod: 'web-1',
        restarts: [{ at: '2026-11-22T03:32:30Z', container: hostile || 'sidecar', reason: 'Error', exitCode: 137 }],
        readiness: [
          { at: '2026-11-22T03:32:29Z', ready: false },
          { at: '2026-11-22T03:32:36Z', ready: true },
        ],
      },
    ],
  });
  const timeline = addProfilerRun(fault, {
    tool: 'perf',
    startedAt: '2026-11-22T03:32:25Z',
    finishedAt: '2026-11-22T03:32:27Z',
    ...(profile.timeSeries ? { samplesPerSecond: profile.timeSeries } : {}),
  });
  const summary = await parseStraceSummary(fixture('strace.summary'));
  const trace = await parseStraceTrace(fixture('strace.trace'));
  return {
    id: 'example-0001',
    generatedAt: '2026-11-22T03:40:00Z',
    run: {
      namespace: 'default',
      name: hostile ? `web-${hostile}` : 'web-cpu',
      tool: 'perf',
      phase: 'Succeeded',
      targets: ['web-1', 'web-2'],
      startedAt: status.startedAt,
      finishedAt: status.finishedAt,
      requestedBy: 'alice@example.com',
    },
    findings: [
      {
        id: 'hot-function',
        severity: 'warning',
        cause: 'HotFunction',
        title: 'hot_loop takes 76% of CPU samples',
        detail: hostile || 'One function dominates the profile.',
        evidence: ['perf.top.hot_loop'],
      },
      {
        id: 'restart',
        severity: 'critical',
        cause: 'CrashLoopingSidecar',
        title: 'A sidecar restarted during the fault',
        detail: 'Exit 137.',
        evidence: ['pod.web-1.restart'],
      },
    ],
    evidence: [
      { id: 'perf.top.hot_loop', summary: 'hot_loop self 75.5%' },
      { id: 'pod.web-1.restart', summary: 'sidecar restarted (Error, exit 137)' },
    ],
    analysis: {
      status: 'Succeeded',
      model: 'tiny',
      summary: hostile || 'CPU time goes to hot_loop.',
      causes: [{ title: 'A CPU-bound loop', confidence: 0.8, evidence: ['perf.top.hot_loop'] }],
      nextSteps: ['Optimise hot_loop.'],
    },
    perf: assemblePerf({
      targets: [
        { name: 'web-1', profile },
        { name: 'web-2', profile: second },
      ],
      baseline: { name: "yesterday's run", folded: baseline },
    }),
    strace: [
      { name: 'web-1 summary (strace -c)', rows: summary.rows },
      { name: 'web-1 trace', rows: trace.rows, trace },
    ],
    traffic: [{ name: 'web-1 (loopback)', summary: await summarizePcap(fixture('lo.pcap')) }],
    timelines: [timeline],
    ...(hostile ? { notes: [hostile] } : {}),
  };
}
