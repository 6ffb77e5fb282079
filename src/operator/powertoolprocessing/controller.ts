/**
 * The PowerToolProcessing controller as the manager starts it: its informer, its queue, the reports server, and
 * the watches that map a PowerTool's finish to the processings that cover it. Every replica serves reports (the
 * Services point at the leader); only the leader reconciles.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { GROUP, VERSION, powerToolProcessingSpec, type PowerToolProcessing } from '../../api/index.ts';
import { watchedCache, type WatchedCache } from '../../kube/informer.ts';
import { keyOf, type Controller, type ControllerDeps } from '../controller.ts';
import { WorkQueue } from '../queue.ts';
import type { LivePowerTool, LiveProcessing, ProcessingContext } from './context.ts';
import { ProcessingEvents } from './events.ts';
import { ingressPath } from './expose.ts';
import { Limiter } from './limiter.ts';
import { ReaderToken } from './reader-token.ts';
import { reconcileProcessing } from './reconcile.ts';
import { startReportsServer, type ReportsServer } from './server.ts';
import { covers } from './trigger.ts';
import { clearScratch, sweep, writeIndex } from '../../../processing/pipeline/write.ts';

export interface ProcessingOptions {
  reportsDir: string;
  /** Serve the reports on this address (every replica). */
  bind?: { host: string; port: number };
  /** The address Services send report requests to: the leader's pod IP, or the node address for a host-run operator. */
  address?: string;
  urlBase?: string;
  collectorUrl?: string;
  /** The operator's ServiceAccount, whose token reads from the collector (its --reader allowlist names it). */
  serviceAccount: { namespace: string; name: string };
}

/** The manager's shared parts (../controller.ts). */
export type ProcessingDeps = ControllerDeps;

export interface ProcessingController extends Controller {
  /** Becoming leader: tidy the directory and visit every processing. */
  lead(): Promise<void>;
  /** The reports server's port, when serving. */
  port?: number;
  queue: WorkQueue;
}

const BUILD_CONCURRENCY = 2;

export async function startProcessingController(deps: ProcessingDeps, opts: ProcessingOptions): Promise<ProcessingController> {
  const { clients, caches, log } = deps;
  // Typed as caches.ts types its custom objects; the reconciler reads them as LiveProcessing.
  const processings = watchedCache<PowerToolProcessing & { kind?: string; metadata: { name: string } }>(
    clients.kc,
    `/apis/${GROUP}/${VERSION}/${clients.resources.processings.plural}`,
    () => clients.resources.processings.list() as never,
    log,
  ) as unknown as WatchedCache<LiveProcessing & KubernetesObject>;
  await processings.start();
  const abort = new AbortController();
  let server: ReportsServer | undefined;
  if (opts.bind) {
    const prefixes = (): string[] =>
      processings.list().flatMap((p) => {
        const path = (p.spec as { report?: { expose?: { ingress?: { path?: string } } } } | undefined)?.report?.expose?.ingress?.path;
        return path ? [ingressPath(path)] : [];
      });
    server = await startReportsServer({ dir: opts.reportsDir, host: opts.bind.host, port: opts.bind.port, prefixes, log }).catch(
      async (err: unknown) => {
        await processings.stop();
        throw err;
      },
    );
  }
  const ctx: ProcessingContext = {
    clients,
    caches: { processings, powerTools: caches.powerTools as never, pods: caches.pods },
    reportsDir: opts.reportsDir,
    serve: {
      port: server?.port ?? opts.bind?.port ?? 0,
      ...(server && opts.address ? { address: opts.address } : {}),
      ...(opts.urlBase ? { urlBase: opts.urlBase } : {}),
    },
    ...(opts.collectorUrl ? { collectorUrl: opts.collectorUrl } : {}),
    readerToken: new ReaderToken(clients.core, opts.serviceAccount),
    events: new ProcessingEvents(deps.recorder),
    metrics: deps.metrics,
    log,
    now: () => new Date(),
    builds: new Limiter(BUILD_CONCURRENCY),
    signal: abort.signal,
  };
  const queue = new WorkQueue((key) => reconcileProcessing(ctx, key), BUILD_CONCURRENCY, deps.hooks);

  const generations = new Map<string, number | undefined>();
  processings.onChange((p, kind) => {
    const key = keyOf(p);
    if (kind === 'delete') {
      generations.delete(key);
      if (deps.leading()) void tidy(ctx, processings.get.bind(processings));
      return;
    }
    // Our own status writes change nothing to decide on; a spec change or a new object does.
    const changed = kind === 'add' || generations.get(key) !== p.metadata.generation || p.metadata.deletionTimestamp !== undefined;
    generations.set(key, p.metadata.generation);
    if (changed && deps.leading()) queue.add(key);
  });

  // A run's finish is what onCompletion waits for. Only the transition enqueues (or a run first seen finished):
  // the signature is what finishedRuns looks at, since a refused run also has a finishedAt and may run later.
  const seen = new Map<string, string>();
  caches.powerTools.onChange((pt, kind) => {
    const uid = (pt.metadata as LivePowerTool['metadata']).uid ?? '';
    if (kind === 'delete') return void seen.delete(uid);
    const s = pt.status;
    if (!s?.finishedAt || s.phase === 'DryRun' || (s.targets ?? []).length === 0) return;
    const signature = `${s.finishedAt}/${(s.targets ?? []).length}`;
    if (seen.get(uid) === signature) return;
    seen.set(uid, signature);
    if (!deps.leading()) return;
    for (const p of processings.list(pt.metadata.namespace)) {
      const source = powerToolProcessingSpec.shape.source.safeParse((p.spec as { source?: unknown } | undefined)?.source);
      if (source.success && covers(source.data, p.metadata.namespace ?? '', pt as LivePowerTool)) queue.add(keyOf(p));
    }
  });

  return {
    port: server?.port,
    queue,
    async lead() {
      await clearScratch(opts.reportsDir).catch(() => undefined);
      await tidy(ctx, processings.get.bind(processings));
      for (const p of processings.list()) queue.add(keyOf(p));
    },
    async stop() {
      abort.abort();
      await queue.shutdown();
      await server?.close();
      await processings.stop();
    },
  };
}

/** Report folders of processings that are gone, and the index after them. Best effort. */
async function tidy(ctx: ProcessingContext, get: (name: string, namespace?: string) => LiveProcessing | undefined): Promise<void> {
  try {
    const removed = await sweep(ctx.reportsDir, (ns, name) => get(name, ns) !== undefined);
    if (removed.length > 0) {
      ctx.log.info({ removed }, 'reports of deleted processings removed');
      await writeIndex(ctx.reportsDir);
    }
  } catch (err) {
    ctx.log.warn({ err: String(err) }, 'tidying the reports directory failed');
  }
}
