import { makeInformer, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';

export interface Cache<T> {
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
}

export interface WatchedCache<T extends KubernetesObject> extends Cache<T> {
  onChange(cb: (obj: T, kind: 'add' | 'update' | 'delete') => void): void;
  /** Resolves once the first LIST has filled the cache. */
  start(): Promise<void>;
  stop(): Promise<void>;
  synced(): boolean;
}

/**
 * An informer that keeps going. The client re-watches after a clean end and re-lists on 410 Gone, but stops for
 * good after any other error (a dropped connection, an apiserver restart): restart it with a capped backoff.
 */
export function watchedCache<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  list: () => Promise<KubernetesListObject<T>>,
  log: Logger,
  labelSelector?: string,
): WatchedCache<T> {
  const informer = makeInformer<T>(kc, path, list, labelSelector);
  const callbacks: ((obj: T, kind: 'add' | 'update' | 'delete') => void)[] = [];
  let stopped = false;
  let synced = false;
  let delay = 500;
  let timer: NodeJS.Timeout | undefined;
  informer.on('add', (o) => callbacks.forEach((cb) => cb(o, 'add')));
  informer.on('update', (o) => callbacks.forEach((cb) => cb(o, 'update')));
  informer.on('delete', (o) => callbacks.forEach((cb) => cb(o, 'delete')));
  informer.on('connect', () => {
    delay = 500;
  });
  informer.on('error', (err: unknown) => {
    if (stopped) return;
    log.warn({ path, err: err instanceof Error ? err.message : String(err), retryInMs: delay }, 'informer stopped; restarting');
    timer = setTimeout(() => {
      informer.start().catch((e: unknown) => log.warn({ path, err: String(e) }, 'informer restart failed'));
    }, delay);
    delay = Math.min(delay * 2, 30_000);
  });
  return {
    get: (name, namespace) => informer.get(name, namespace),
    list: (namespace) => informer.list(namespace),
    onChange: (cb) => callbacks.push(cb),
    async start() {
      await informer.start();
      synced = true;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await informer.stop();
    },
    synced: () => synced,
  };
}
