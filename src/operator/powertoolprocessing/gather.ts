/**
 * Everything one report needs about one finished PowerTool, fetched: its target pods (informer cache), their and
 * its Events, and a way to open each artifact where the output mode put it — the collector's reader API, the tool
 * container's log, or nowhere the operator can read (pvc). What cannot be had becomes a note in the report, never
 * a failed report: a report with less data beats no report.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createReadStream } from 'node:fs';
import { Log, type EventsV1Event, type V1Pod } from '@kubernetes/client-node';
import type { ByteSource } from '../../../processing/lines.ts';
import type { ArtifactInput, RunInputs } from '../../../processing/run.ts';
import { apiMessage } from '../../kube/errors.ts';
import { listRun, openArtifact } from './collector-reader.ts';
import type { LivePowerTool, ProcessingContext } from './context.ts';
import { spoolLogArtifacts } from './log-artifacts.ts';

export type { ArtifactInput, RunInputs } from '../../../processing/run.ts';

const MAX_EVENTS = 2000;
const LOG_TIMEOUT_MS = 120_000;
const LOG_LIMITS = { maxArtifactBytes: 256 << 20, maxArtifacts: 32 };
/** Target phases in which the tool ran and may have written something. */
const RAN = new Set(['Succeeded', 'Failed', 'Stopped']);

export async function gatherRun(ctx: ProcessingContext, pt: LivePowerTool, workDir: string): Promise<RunInputs> {
  const namespace = pt.metadata.namespace ?? '';
  const targets = pt.status?.targets ?? [];
  const pods = targets
    .map((t) => ctx.caches.pods.get(t.pod, namespace))
    .filter(
      (p): p is V1Pod =>
        p !== undefined &&
        (!p.metadata?.uid || targets.some((t) => t.pod === p.metadata?.name && (!t.podUID || t.podUID === p.metadata?.uid))),
    );
  const notes: string[] = [];
  const gone = targets.filter((t) => !pods.some((p) => p.metadata?.name === t.pod)).map((t) => t.pod);
  if (gone.length > 0)
    notes.push(`${gone.length} target pod(s) no longer exist (${gone.slice(0, 5).join(', ')}): their current state is not in this report.`);
  const events = await relatedEvents(ctx, pt, pods).catch((err: unknown) => {
    notes.push(`Events could not be listed: ${apiMessage(err)}`);
    return [];
  });
  const artifacts = await artifactsOf(ctx, pt, pods, workDir, notes);
  return { pt, pods, events, artifacts, notes };
}

/** Events about the PowerTool or its target pods, newest kept when there are too many. */
async function relatedEvents(ctx: ProcessingContext, pt: LivePowerTool, pods: V1Pod[]): Promise<EventsV1Event[]> {
  const uids = new Set([pt.metadata.uid, ...pods.map((p) => p.metadata?.uid)].filter(Boolean));
  const list = await ctx.clients.events.listNamespacedEvent({ namespace: pt.metadata.namespace ?? '', limit: 5000 });
  return list.items.filter((e) => e.regarding?.uid && uids.has(e.regarding.uid)).slice(-MAX_EVENTS);
}

async function artifactsOf(
  ctx: ProcessingContext,
  pt: LivePowerTool,
  pods: V1Pod[],
  workDir: string,
  notes: string[],
): Promise<ArtifactInput[]> {
  const mode = pt.spec.output?.mode ?? 'logs';
  if (mode === 'pvc') {
    const v = pt.spec.output.volume;
    notes.push(
      `Output mode pvc: the artifacts are on volume "${v?.name ?? '?'}" of each target pod${v?.subPath ? ` under ${v.subPath}` : ''}, in ${pt.metadata.uid}/<pod>/. The operator cannot read a pod's volume, so this report has no artifact data; use output mode collector for reports.`,
    );
    return [];
  }
  if (mode === 'collector') return collectorArtifacts(ctx, pt, notes);
  return logArtifacts(ctx, pt, pods, workDir, notes);
}

async function collectorArtifacts(ctx: ProcessingContext, pt: LivePowerTool, notes: string[]): Promise<ArtifactInput[]> {
  const base = ctx.collectorUrl;
  if (!base) {
    notes.push('Output mode collector, but the operator was started without --collector-url: the artifacts could not be read.');
    return [];
  }
  const namespace = pt.metadata.namespace ?? '';
  const uid = pt.metadata.uid ?? '';
  const token = () => ctx.readerToken.get();
  try {
    const listed = await listRun(base, token, namespace, uid);
    const out: ArtifactInput[] = [];
    for (const a of listed) {
      if (a.state !== 'complete') {
        notes.push(`${a.pod}/${a.name} was still uploading when the report was built; it is left out.`);
        continue;
      }
      out.push({
        pod: a.pod,
        name: a.name,
        bytes: a.bytes,
        partial: a.partial === true,
        open: async () => openArtifact(base, await token(), namespace, uid, a.pod, a.name),
      });
    }
    if (listed.length === 0) notes.push('The collector holds no artifacts for this run.');
    return out;
  } catch (err) {
    notes.push(`The artifacts could not be read from the collector: ${(err as Error).message}`);
    return [];
  }
}

/** Each tool container's log, demultiplexed into files under workDir/<pod>/ as it streams in. */
async function logArtifacts(
  ctx: ProcessingContext,
  pt: LivePowerTool,
  pods: V1Pod[],
  workDir: string,
  notes: string[],
): Promise<ArtifactInput[]> {
  const namespace = pt.metadata.namespace ?? '';
  const out: ArtifactInput[] = [];
  for (const t of pt.status?.targets ?? []) {
    if (!RAN.has(t.phase) || !pods.some((p) => p.metadata?.name === t.pod)) continue;
    const dir = join(workDir, t.pod);
    await mkdir(dir, { recursive: true });
    try {
      const spooled = await spoolLogArtifacts(await podLog(ctx, namespace, t.pod, t.ephemeralContainer), dir, LOG_LIMITS);
      for (const a of spooled) {
        const declared = t.artifacts?.find((d) => d.name === a.name);
        // The kubelet rotates container logs (10 MiB by default) and the API serves the newest file only.
        const short = declared !== undefined && a.bytes < declared.bytes;
        if (short)
          notes.push(
            `${t.pod}/${a.name}: the log held ${a.bytes} of its ${declared.bytes} bytes (the kubelet rotates container logs; use output mode collector for large artifacts).`,
          );
        out.push({
          pod: t.pod,
          name: a.name,
          bytes: a.bytes,
          partial: a.partial || short || declared?.partial === true,
          open: async () => createReadStream(a.path),
        });
      }
    } catch (err) {
      notes.push(`The log of ${t.pod}/${t.ephemeralContainer} could not be read: ${apiMessage(err)}`);
    }
  }
  return out;
}

/**
 * The container's log as a stream (GET pods/log, as readNamespacedPodLog, without holding it whole). The client
 * pipes the response without passing on its errors, so a stalled or broken transfer ends at a deadline instead
 * of hanging the build.
 */
async function podLog(ctx: ProcessingContext, namespace: string, pod: string, container: string): Promise<ByteSource> {
  const stream = new PassThrough();
  const abort = await new Log(ctx.clients.kc).log(namespace, pod, container, stream, { follow: false });
  const timer = setTimeout(() => {
    abort.abort();
    stream.destroy(new Error(`no end of the log within ${LOG_TIMEOUT_MS / 1000}s`));
  }, LOG_TIMEOUT_MS);
  timer.unref();
  stream.once('close', () => clearTimeout(timer));
  return stream;
}
