import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { exec } from '../host/exec.ts';
import { network } from './settings.ts';

/**
 * The cluster's address ranges must never reach the wire. While the bridge exists, its connected route (pods) and
 * the Service route both have metric 0 and win; once `down` removes the bridge, a client still retrying against
 * 10.244.0.1:6443 (an informer, a test) would otherwise follow the default route off the machine. These low-priority
 * `unreachable` routes make the kernel refuse such packets locally (EHOSTUNREACH) instead.
 *
 * `down` deliberately leaves them: they are the one thing it does not undo, because the clients it cannot stop
 * (other processes' informers, kubeconfigs in the tests) outlive the cluster. They change nothing for any other
 * destination and only decide for ranges that no one else on this machine uses.
 */
export const UNREACHABLE_METRIC = 4000;

export const clusterRanges = [network.podCidr, network.serviceCidr] as const;

export function unreachableRouteArgs(cidr: string): string[] {
  return ['route', 'replace', 'unreachable', cidr, 'metric', String(UNREACHABLE_METRIC)];
}

/** Installs (or keeps) the fallback routes; `replace` makes it idempotent. */
export async function ensureUnreachableRoutes(): Promise<void> {
  for (const cidr of clusterRanges) await exec('ip', unreachableRouteArgs(cidr));
}

const toNumber = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (isIP(ip) !== 4 || !base || bits === undefined) return false;
  const mask = bits === '0' ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  return (toNumber(ip) & mask) >>> 0 === (toNumber(base) & mask) >>> 0;
}

export function isClusterAddress(ip: string): boolean {
  return clusterRanges.some((cidr) => inCidr(ip, cidr));
}

export function isLocalAddress(ip: string): boolean {
  return Object.values(networkInterfaces()).some((addrs) => addrs?.some((a) => a.address === ip));
}

/**
 * Whether a probe may send to `host`: anything outside the cluster's ranges, and inside them only while the node
 * address is on the bridge (the bridge is ours and up). The unreachable routes already stop such packets; this keeps
 * probes from depending on them, as on a machine where an older `down` removed the bridge without installing them.
 */
export function mayProbe(host: string): boolean {
  return !isClusterAddress(host) || isLocalAddress(network.nodeIp);
}
