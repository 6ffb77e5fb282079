import { mkdir } from 'node:fs/promises';
import type { Context } from '../context.ts';
import { saveState } from '../context.ts';
import { exec } from '../../host/exec.ts';
import { mounts } from '../mounts.ts';

/**
 * `/` is a private mount here, and CRI refuses HostToContainer/Bidirectional propagation from a private source.
 * Bind-mounting the state root onto itself as shared covers the kubelet's pod volumes, containerd, and any hostPath
 * a test puts under it; the kubelet then finds its root already shared and adds no mount of its own.
 */
export async function runMounts(ctx: Context): Promise<void> {
  const root = ctx.layout.stateDir;
  await mkdir(root, { recursive: true });
  const found = (await mounts()).find((m) => m.mountPoint === root);
  if (!found) {
    await exec('mount', ['--bind', root, root]);
    ctx.state.mounts.push(root);
    await saveState(ctx);
  }
  if (!found?.optional.includes('shared:')) await exec('mount', ['--make-shared', root]);
}
