import type { Context } from '../context.ts';
import { saveState } from '../context.ts';
import { exec, succeeds } from '../../host/exec.ts';
import { network } from '../settings.ts';
import { setSysctls } from '../sysctl.ts';

/**
 * The node's own bridge, made before anything starts: the API server binds the node address on it, and the CNI
 * bridge plugin attaches pods to it later. Forwarding and bridge netfilter are what Service traffic needs.
 */
export async function runNetwork(ctx: Context): Promise<void> {
  if (!(await succeeds('ip', ['link', 'show', network.bridge]))) {
    await exec('ip', ['link', 'add', network.bridge, 'type', 'bridge']);
    ctx.state.links.push(network.bridge);
    await saveState(ctx);
  }
  const prefix = network.podCidr.split('/')[1];
  const addrs = await exec('ip', ['-o', 'addr', 'show', 'dev', network.bridge]);
  if (!addrs.includes(` ${network.nodeIp}/`)) await exec('ip', ['addr', 'add', `${network.nodeIp}/${prefix}`, 'dev', network.bridge]);
  await exec('ip', ['link', 'set', network.bridge, 'up']);
  // Service addresses are virtual: this route keeps one that kube-proxy does not (or no longer) translates on the
  // bridge, ahead of the unreachable fallback (routes.ts). It goes with the bridge at `down`; the fallback stays.
  await exec('ip', ['route', 'replace', network.serviceCidr, 'dev', network.bridge, 'src', network.nodeIp]);
  await setSysctls(ctx, { 'net.ipv4.ip_forward': '1', 'net.bridge.bridge-nf-call-iptables': '1' });
}
