/**
 * What a finished sample run produced, read the way a user would read it: each tool container's log (output mode
 * logs), cut into its artifacts, perf.script collapsed into a profile, the targets merged, their top functions,
 * and the HTML report the processing controller would write, built from the same pieces.
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CoreV1Api, EventsV1Api, Log, type EventsV1Event, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { mergeFolded } from '../../processing/kinds/perf/folded.ts';
import { topFunctions, type FunctionRow } from '../../processing/kinds/perf/flame.ts';
import type { ByteSource } from '../../processing/lines.ts';
import { buildEvidence } from '../../processing/rca/evidence.ts';
import type { PowerTool, TargetStatus } from '../api/index.ts';
import { apiMessage, classify } from '../kube/errors.ts';
import { rcaInput, reportModel } from '../../processing/pipeline/assemble.ts';
import type { LivePowerTool } from '../operator/powertoolprocessing/context.ts';
import type { ArtifactInput, RunInputs } from '../operator/powertoolprocessing/gather.ts';
import { spoolLogArtifacts } from '../operator/powertoolprocessing/log-artifacts.ts';
import { processRun } from '../../processing/pipeline/process.ts';
import { writeIndex, writeReport } from '../operator/powertoolprocessing/write.ts';
import { reportPath } from '../operator/powertoolprocessing/expose.ts';

export interface RunResult {
  targets: TargetStatus[];
  /** Functions by self time over every target's profile. */
  top: FunctionRow[];
  /** Samples in the merged profile. */
  samples: number;
  report: string;
  /** What could not be read, said plainly (also in the report). */
  notes: string[];
}

const LOG_LIMITS = { maxArtifactBytes: 64 << 20, maxArtifacts: 32 };
const LOG_TIMEOUT_MS = 60_000;
const RAN = new Set(['Succeeded', 'Failed', 'Stopped']);
/** The report's folder under the reports dir, in the processing controller's layout (<ns>/<processing>/<id>.html). */
export const REPORT_GROUP = 'quickstart';

async function containerLog(kc: KubeConfig, namespace: string, pod: string, container: string): Promise<ByteSource> {
  const stream = new PassThrough();
  const req = await new Log(kc).log(namespace, pod, container, stream, { follow: false });
  const timer = setTimeout(() => {
    req.abort();
    stream.destroy(new Error(`no end of the log of ${pod}/${container} within ${LOG_TIMEOUT_MS / 1000}s`));
  }, LOG_TIMEOUT_MS);
  stream.once('close', () => clearTimeout(timer));
  return stream;
}

async function readPods(kc: KubeConfig, namespace: string, targets: TargetStatus[]): Promise<V1Pod[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const pods: V1Pod[] = [];
  for (const t of targets) {
    try {
      pods.push(await core.readNamespacedPod({ namespace, name: t.pod }));
    } catch (err) {
      if (classify(err) !== 'gone') throw err;
    }
  }
  return pods;
}

async function relatedEvents(kc: KubeConfig, pt: PowerTool & { metadata: { uid?: string } }, pods: V1Pod[]): Promise<EventsV1Event[]> {
  const uids = new Set([pt.metadata.uid, ...pods.map((p) => p.metadata?.uid)].filter(Boolean));
  const list = await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: pt.metadata.namespace ?? '', limit: 2000 });
  return list.items.filter((e) => e.regarding?.uid && uids.has(e.regarding.uid));
}

export async function collectResult(kc: KubeConfig, pt: PowerTool, reportsDir: string): Promise<RunResult> {
  const live = pt as LivePowerTool;
  const namespace = live.metadata.namespace ?? '';
  const targets = pt.status?.targets ?? [];
  const work = await mkdtemp(join(tmpdir(), 'toe-quickstart-'));
  try {
    const notes: string[] = [];
    const pods = await readPods(kc, namespace, targets);
    const events = await relatedEvents(kc, live, pods).catch((err: unknown) => {
      notes.push(`Events could not be listed: ${apiMessage(err)}`);
      return [];
    });
    const artifacts: ArtifactInput[] = [];
    for (const t of targets.filter((x) => RAN.has(x.phase))) {
      const dir = join(work, t.pod);
      await mkdir(dir, { recursive: true });
      try {
        for (const a of await spoolLogArtifacts(await containerLog(kc, namespace, t.pod, t.ephemeralContainer), dir, LOG_LIMITS)) {
          artifacts.push({ pod: t.pod, name: a.name, bytes: a.bytes, partial: a.partial, open: async () => createReadStream(a.path) });
        }
      } catch (err) {
        notes.push(`The log of ${t.pod}/${t.ephemeralContainer} could not be read: ${apiMessage(err)}`);
      }
    }
    const inputs: RunInputs = { pt: live, pods, events, artifacts, notes };
    const processed = await processRun(inputs);
    const merged = mergeFolded(processed.items.perf.map((p) => p.profile));
    const run = { inputs, processed };
    const model = reportModel({
      id: live.metadata.name,
      generatedAt: new Date().toISOString(),
      title: { namespace, name: live.metadata.name },
      runs: [run],
      set: buildEvidence(rcaInput(run)),
      analysis: { status: 'None' },
      notes: [],
    });
    await writeReport(reportsDir, namespace, REPORT_GROUP, model);
    await writeIndex(reportsDir);
    return {
      targets,
      top: topFunctions(merged, 8),
      samples: merged.total,
      report: join(reportsDir, reportPath(namespace, REPORT_GROUP, model.id)),
      notes: processed.notes,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
