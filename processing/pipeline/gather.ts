/**
 * Everything one report needs about one finished PowerTool, fetched: its target pods, their and its Events, and a
 * way to open each artifact where the output mode put it — the collector's reader API, the tool container's log,
 * or nowhere a reader can reach (pvc). What cannot be had becomes a note in the report, never a failed report: a
 * report with less data beats no report. The caller says where pods come from (RunSource): the controller reads
 * its informer cache, the quickstart the API server; everything else is the same code under GATHER_LIMITS.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createReadStream } from 'node:fs';
import { Log, type EventsV1Event, type V1Pod } from '@kubernetes/client-node';
import type { Clients } from '../../src/kube/client.ts';
import { apiMessage } from '../../src/kube/errors.ts';
import type { ByteSource } from '../lines.ts';
import type { ArtifactInput, RunInputs, RunPowerTool } from '../run.ts';
import { listRun, openArtifact } from './collector-reader.ts';
import { GATHER_LIMITS } from './limits.ts';
import { spoolLogArtifacts } from './log-artifacts.ts';
import { missingPodNotes, ran, relatedEvents, shortLogNote, targetPods } from './targets.ts';

export type { ArtifactInput, RunInputs } from '../run.ts';

/** Where a run's data is read from. */
export interface RunSource {
  clients: Pick<Clients, 'kc' | 'events'>;
  /** A target pod as it is now; undefined when it is gone. May throw for other errors (the caller's choice). */
  pod: (namespace: string, name: string) => Promise<V1Pod | undefined> | V1Pod | undefined;
  /** The collector's reader API, for runs in output mode collector; absent when none is configured. */
  collector?: { url: string; token: () => Promise<string> };
}

export async function gatherRun(src: RunSource, pt: RunPowerTool, workDir: string): Promise<RunInputs> {
  const namespace = pt.metadata.namespace ?? '';
  const targets = pt.status?.targets ?? [];
  const found: (V1Pod | undefined)[] = [];
  for (const t of targets) found.push(await src.pod(namespace, t.pod));
  const pods = targetPods(targets, found);
  const notes = missingPodNotes(targets, pods);
  const events = await listEvents(src, pt, pods).catch((err: unknown) => {
    notes.push(`Events could not be listed: ${apiMessage(err)}`);
    return [];
  });
  const artifacts = await artifactsOf(src, pt, pods, workDir, notes);
  return { pt, pods, events, artifacts, notes };
}

async function listEvents(src: RunSource, pt: RunPowerTool, pods: V1Pod[]): Promise<EventsV1Event[]> {
  const list = await src.clients.events.listNamespacedEvent({ namespace: pt.metadata.namespace ?? '', limit: GATHER_LIMITS.listEvents });
  return relatedEvents(list.items, [pt.metadata.uid, ...pods.map((p) => p.metadata?.uid)], GATHER_LIMITS.maxEvents);
}

async function artifactsOf(src: RunSource, pt: RunPowerTool, pods: V1Pod[], workDir: string, notes: string[]): Promise<ArtifactInput[]> {
  const mode = pt.spec.output?.mode ?? 'logs';
  if (mode === 'pvc') {
    const v = pt.spec.output.volume;
    notes.push(
      `Output mode pvc: the artifacts are on volume "${v?.name ?? '?'}" of each target pod${v?.subPath ? ` under ${v.subPath}` : ''}, in ${pt.metadata.uid}/<pod>/. The operator cannot read a pod's volume, so this report has no artifact data; use output mode collector for reports.`,
    );
    return [];
  }
  if (mode === 'collector') return collectorArtifacts(src, pt, notes);
  return logArtifacts(src, pt, pods, workDir, notes);
}

async function collectorArtifacts(src: RunSource, pt: RunPowerTool, notes: string[]): Promise<ArtifactInput[]> {
  if (!src.collector) {
    notes.push('Output mode collector, but the operator was started without --collector-url: the artifacts could not be read.');
    return [];
  }
  const { url: base, token } = src.collector;
  const namespace = pt.metadata.namespace ?? '';
  const uid = pt.metadata.uid ?? '';
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
async function logArtifacts(src: RunSource, pt: RunPowerTool, pods: V1Pod[], workDir: string, notes: string[]): Promise<ArtifactInput[]> {
  const namespace = pt.metadata.namespace ?? '';
  const out: ArtifactInput[] = [];
  for (const t of pt.status?.targets ?? []) {
    if (!ran(t) || !pods.some((p) => p.metadata?.name === t.pod)) continue;
    const dir = join(workDir, t.pod);
    await mkdir(dir, { recursive: true });
    try {
      const spooled = await spoolLogArtifacts(await podLog(src, namespace, t.pod, t.ephemeralContainer), dir, GATHER_LIMITS);
      for (const a of spooled) {
        const declared = t.artifacts?.find((d) => d.name === a.name);
        // The kubelet rotates container logs (10 MiB by default) and the API serves the newest file only.
        const short = shortLogNote(t.pod, a.name, a.bytes, declared?.bytes);
        if (short) notes.push(short);
        out.push({
          pod: t.pod,
          name: a.name,
          bytes: a.bytes,
          partial: a.partial || short !== undefined || declared?.partial === true,
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
async function podLog(src: RunSource, namespace: string, pod: string, container: string): Promise<ByteSource> {
  const stream = new PassThrough();
  const abort = await new Log(src.clients.kc).log(namespace, pod, container, stream, { follow: false });
  const timer = setTimeout(() => {
    abort.abort();
    stream.destroy(new Error(`no end of the log within ${GATHER_LIMITS.logTimeoutMs / 1000}s`));
  }, GATHER_LIMITS.logTimeoutMs);
  timer.unref();
  stream.once('close', () => clearTimeout(timer));
  return stream;
}
