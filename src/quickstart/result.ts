/**
 * What a finished sample run produced, read the way a user would read it: each tool container's log (output mode
 * logs), cut into its artifacts, perf.script collapsed into a profile, the targets merged, their top functions,
 * and the HTML report the processing controller would write, built from the same pieces.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, EventsV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { mergeFolded } from '../../processing/kinds/perf/folded.ts';
import { topFunctions, type FunctionRow } from '../../processing/kinds/perf/flame.ts';
import { rcaInput, reportModel } from '../../processing/pipeline/assemble.ts';
import { gatherRun, type RunSource } from '../../processing/pipeline/gather.ts';
import { processRun } from '../../processing/pipeline/process.ts';
import { reportPath, writeIndex, writeReport } from '../../processing/pipeline/write.ts';
import { buildEvidence } from '../../processing/rca/evidence.ts';
import type { RunPowerTool } from '../../processing/run.ts';
import type { PowerTool, TargetStatus } from '../api/index.ts';
import { classify } from '../kube/errors.ts';

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

/** The report's folder under the reports dir, in the processing controller's layout (<ns>/<processing>/<id>.html). */
export const REPORT_GROUP = 'quickstart';

/** The quickstart has no informer: it reads each target pod from the API server once, after the run. */
function runSource(kc: KubeConfig): RunSource {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    clients: { kc, events: kc.makeApiClient(EventsV1Api) },
    pod: async (namespace, name): Promise<V1Pod | undefined> => {
      try {
        return await core.readNamespacedPod({ namespace, name });
      } catch (err) {
        if (classify(err) !== 'gone') throw err;
        return undefined;
      }
    },
  };
}

export async function collectResult(kc: KubeConfig, pt: PowerTool, reportsDir: string): Promise<RunResult> {
  const live = pt as RunPowerTool;
  const namespace = live.metadata.namespace ?? '';
  const targets = pt.status?.targets ?? [];
  const work = await mkdtemp(join(tmpdir(), 'toe-quickstart-'));
  try {
    const inputs = await gatherRun(runSource(kc), live, work);
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
