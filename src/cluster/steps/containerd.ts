import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { succeeds } from '../../host/exec.ts';
import { ensureImages } from '../../images/images.ts';
import { productImages } from '../../images/product-images.ts';
import type { Context } from '../context.ts';
import { ensureDaemon } from '../context.ts';
import { importedFile } from '../images.ts';
import type { Layout } from '../layout.ts';
import { clusterImages } from '../node-images.ts';
import { PAUSE_IMAGE } from '../settings.ts';

/** containerd's config: its own root, state and socket under the TOE state root, so it never meets another containerd. */
export function containerdConfig(l: Layout): string {
  return `version = 2
root = "${l.containerdRoot}"
state = "${l.containerdState}"
# Plugins a node does not use; "opt" would install into /opt.
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "${l.containerdSocket}"

[ttrpc]
  address = "${l.containerdSocket}.ttrpc"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  # Without CAP_SYS_RESOURCE nothing may lower oom_score_adj; unrestricted, every sandbox fails with
  # "can't get final child's PID from pipe: EOF" (only runc --debug shows the oom_score_adj write behind it).
  restrict_oom_score_adj = true
  # Pod network namespaces are bind mounts: keep them under our state root (default /var/run/netns).
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${l.cniConfDir}"
`;
}

export async function runContainerd(ctx: Context): Promise<void> {
  const l = ctx.layout;
  const config = join(l.stateDir, 'containerd.toml');
  await mkdir(l.containerdState, { recursive: true });
  await writeFile(config, containerdConfig(l));
  await ensureDaemon(
    ctx,
    'containerd',
    ['containerd', '--config', config],
    () => succeeds('ctr', ['-a', l.containerdSocket, 'version']),
    20_000,
  );
}

function importOptions(ctx: Context) {
  return {
    socket: ctx.layout.containerdSocket,
    importedFile: importedFile(ctx.layout),
    onImage: (ref: string, action: string) => ctx.progress.info(`${ref}: ${action}`),
  };
}

/**
 * Imports the cluster's own images (building what is missing), then starts on TOE's image and the tool images in
 * the background: the kubelet needs only pause and CoreDNS, so rebuilding a changed one overlaps the wait for the node.
 */
export async function runImages(ctx: Context): Promise<void> {
  await ensureImages(await clusterImages(ctx.layout.cacheDir), importOptions(ctx));
  const tools = (async () => ensureImages(await productImages(ctx.layout.cacheDir), importOptions(ctx)))();
  ctx.background.set(
    'tool-images',
    tools.then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    ),
  );
}

/** A tool image that fails is a warning: one broken powertools/ folder must not keep the cluster from coming up. */
export async function runToolImages(ctx: Context): Promise<void> {
  const problem = await ctx.background.get('tool-images');
  if (problem) ctx.progress.warn(`tool images: ${problem} (fix it, then run \`toe cluster images\`)`);
}
