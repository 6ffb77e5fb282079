import { setTimeout as delay } from 'node:timers/promises';
import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { classify } from '../kube/errors.ts';

export interface LeaderOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_LEADER_OPTIONS = { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/**
 * Waits `ms`, or less when the signal aborts. Node's own timer takes its abort listener off again when it fires:
 * one added per retry period and never removed grew without bound on the shared signal of a long-running leader.
 */
export const sleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Lease-based leader election in the manner of client-go's leaderelection (the JS client ships none). Expiry is
 * judged by the local clock from when this replica last saw the record change, never by comparing clocks across
 * machines. A leader that cannot renew within renewDeadline gives up, and its caller exits, as controller-runtime
 * does, rather than risk two active replicas.
 */
export class LeaderElector {
  private observed?: { record: string; at: number };

  constructor(
    private readonly api: CoordinationV1Api,
    private readonly opts: LeaderOptions,
    private readonly log: Logger,
  ) {}

  /** Resolves when this replica holds the Lease (or the signal aborts first: then false). */
  async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) {
        this.log.info({ identity: this.opts.identity, lease: `${this.opts.namespace}/${this.opts.name}` }, 'became leader');
        return true;
      }
      await sleep(this.opts.retryPeriodMs, signal);
    }
    return false;
  }

  /** Renews until the signal aborts (resolves) or renewal fails for renewDeadline (rejects: leadership lost). */
  async hold(signal: AbortSignal): Promise<void> {
    let lastRenew = Date.now();
    while (!signal.aborted) {
      await sleep(this.opts.retryPeriodMs, signal);
      if (signal.aborted) break;
      if (await this.tryAcquireOrRenew().catch(() => false)) lastRenew = Date.now();
      else if (Date.now() - lastRenew > this.opts.renewDeadlineMs)
        throw new Error(`lost the leader Lease ${this.opts.namespace}/${this.opts.name}`);
    }
  }

  /** Gives the Lease up on a clean shutdown so the next replica need not wait out the lease duration. */
  async release(): Promise<void> {
    const lease = await this.read();
    if (lease?.spec?.holderIdentity !== this.opts.identity) return;
    lease.spec = { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: new V1MicroTime() };
    await this.api.replaceNamespacedLease({ name: this.opts.name, namespace: this.opts.namespace, body: lease }).catch(() => undefined);
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ name: this.opts.name, namespace: this.opts.namespace });
    } catch (err) {
      if (classify(err) === 'gone') return undefined;
      throw err;
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new V1MicroTime();
    const { identity, namespace, name, leaseDurationSeconds } = this.opts;
    const lease = await this.read().catch(() => null);
    if (lease === null) return false;
    if (!lease) {
      try {
        await this.api.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
          },
        });
        return true;
      } catch {
        return false;
      }
    }
    const spec = lease.spec ?? {};
    const record = `${spec.holderIdentity ?? ''}/${spec.renewTime ? new Date(spec.renewTime).toISOString() : ''}`;
    if (this.observed?.record !== record) this.observed = { record, at: Date.now() };
    const holder = spec.holderIdentity;
    const expired = !holder || this.observed.at + (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000 < Date.now();
    if (holder && holder !== identity && !expired) return false;
    const takeover = holder !== identity;
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds,
      renewTime: now,
      acquireTime: takeover ? now : spec.acquireTime,
      leaseTransitions: (spec.leaseTransitions ?? 0) + (takeover ? 1 : 0),
    };
    try {
      await this.api.replaceNamespacedLease({ name, namespace, body: lease });
      return true;
    } catch {
      return false;
    }
  }
}
