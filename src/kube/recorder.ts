import { randomBytes } from 'node:crypto';
import { V1MicroTime, type EventsV1Api, type EventsV1Event, type V1ObjectReference } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { apiMessage } from './errors.ts';
import { mergePatch } from './patch.ts';

export const REPORTING_CONTROLLER = 'toe.dev/operator';

export interface EventSpec {
  regarding: V1ObjectReference;
  related?: V1ObjectReference;
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

/**
 * events.k8s.io/v1 Events, best effort: a failed write is logged and never fails a reconcile. A repeat of the same
 * Event raises the series count on the existing object rather than creating another (kubectl describe shows
 * "x5 over 2m"), so a per-target Event does not flood the namespace.
 */
export class Recorder {
  private readonly seen = new Map<string, { name: string; namespace: string; count: number }>();

  constructor(
    private readonly api: EventsV1Api,
    private readonly instance: string,
    private readonly log: Logger,
  ) {}

  emit(e: EventSpec): void {
    void this.write(e).catch((err: unknown) => this.log.warn({ reason: e.reason, err: apiMessage(err) }, 'event not recorded'));
  }

  private async write(e: EventSpec): Promise<void> {
    const namespace = e.regarding.namespace ?? 'default';
    const key = `${namespace}/${e.regarding.uid}/${e.related?.uid ?? ''}/${e.reason}/${e.note}`;
    // Event times are MicroTime: the API server refuses anything but six fractional digits.
    const now = new V1MicroTime();
    const prior = this.seen.get(key);
    if (prior) {
      prior.count += 1;
      await this.api.patchNamespacedEvent(
        { name: prior.name, namespace: prior.namespace, body: { series: { count: prior.count, lastObservedTime: now } } },
        mergePatch(),
      );
      return;
    }
    const body: EventsV1Event = {
      // Named as client-go names Events (regarding name + a unique suffix): generateName may not end in a dot.
      metadata: {
        name: `${(e.regarding.name ?? 'toe').slice(0, 200)}.${Date.now().toString(16)}${randomBytes(4).toString('hex')}`,
        namespace,
      },
      eventTime: now,
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: this.instance,
      action: e.action,
      reason: e.reason,
      note: e.note.slice(0, 1024),
      type: e.type,
      regarding: e.regarding,
      ...(e.related ? { related: e.related } : {}),
    };
    const created = await this.api.createNamespacedEvent({ namespace, body });
    if (this.seen.size > 10_000) this.seen.clear();
    this.seen.set(key, { name: created.metadata?.name ?? '', namespace, count: 1 });
  }
}
