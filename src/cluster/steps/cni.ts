import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.ts';
import type { Layout } from '../layout.ts';
import { network } from '../settings.ts';

/**
 * bridge + host-local on our /16. Pods get one route, to the Service range through the node, and no default
 * route: they reach pods, the node and Services, and never the outside. No ipMasq, so CNI adds no iptables rules
 * that `down` would have to find.
 */
export function cniConfig(l: Layout): object {
  return {
    cniVersion: '0.4.0',
    name: 'toe',
    plugins: [
      {
        type: 'bridge',
        bridge: network.bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          dataDir: l.cniDataDir,
          ranges: [[{ subnet: network.podCidr, rangeStart: network.podRangeStart, gateway: network.nodeIp }]],
          routes: [{ dst: network.serviceCidr }],
        },
      },
      { type: 'loopback' },
    ],
  };
}

export async function runCni(ctx: Context): Promise<void> {
  await mkdir(ctx.layout.cniConfDir, { recursive: true });
  await writeFile(join(ctx.layout.cniConfDir, '10-toe.conflist'), JSON.stringify(cniConfig(ctx.layout), null, 2) + '\n');
}
