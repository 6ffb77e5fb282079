import type { Context } from '../context.ts';
import { installPackages } from '../../host/packages.ts';
import { DEBIAN_PACKAGES } from '../settings.ts';

/** etcd, openssl and iproute2 are all the API server mode needs; the node needs the rest. */
export const APISERVER_PACKAGES = ['etcd-server', 'openssl', 'iproute2'] as const;

export async function runPackages(ctx: Context): Promise<void> {
  const installed = await installPackages(ctx.state.mode === 'node' ? DEBIAN_PACKAGES : APISERVER_PACKAGES);
  if (installed.length) ctx.progress.info(`installed ${installed.join(' ')}`);
}
