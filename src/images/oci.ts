import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '../host/exec.ts';

export interface ImageConfig {
  entrypoint: string[];
  cmd?: string[];
  env?: Record<string, string>;
}

/**
 * Packs a root filesystem into an OCI image archive with umoci (one layer, no daemon, no registry); the archive's
 * ref name is the tag, which `ctr images import --base-name` turns into <base-name>:<tag>.
 */
export async function packImage(rootfs: string, tag: string, config: ImageConfig, archive: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'toe-image-'));
  try {
    const layout = join(work, 'layout');
    const ref = `${layout}:${tag}`;
    await exec('umoci', ['init', '--layout', layout]);
    await exec('umoci', ['new', '--image', ref]);
    await exec('umoci', ['unpack', '--image', ref, join(work, 'bundle')]);
    // cp -a, not fs.cp: it keeps owners, hard links and special files a debootstrap root contains.
    await exec('cp', ['-a', `${rootfs}/.`, join(work, 'bundle', 'rootfs')]);
    await exec('umoci', ['repack', '--image', ref, join(work, 'bundle')]);
    const args = [
      'config',
      '--image',
      ref,
      '--os=linux',
      '--architecture=amd64',
      '--config.workingdir=/',
      '--clear=config.entrypoint',
      '--clear=config.cmd',
    ];
    for (const e of config.entrypoint) args.push(`--config.entrypoint=${e}`);
    for (const c of config.cmd ?? []) args.push(`--config.cmd=${c}`);
    // containerd's CRI adds no PATH of its own: without one, only shells with a built-in default find commands.
    const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...config.env };
    for (const [k, v] of Object.entries(env)) args.push(`--config.env=${k}=${v}`);
    await exec('umoci', args);
    await exec('umoci', ['gc', '--layout', layout]);
    await mkdir(join(archive, '..'), { recursive: true });
    await exec('tar', ['-C', layout, '-cf', `${archive}.partial`, '.']);
    await rename(`${archive}.partial`, archive);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Imports an archive into containerd's CRI namespace, where the kubelet looks for images. */
export async function importImage(socket: string, archive: string, repository: string): Promise<void> {
  await exec('ctr', ['-a', socket, '-n', 'k8s.io', 'images', 'import', '--base-name', repository, archive]);
}

export async function listImages(socket: string): Promise<string[]> {
  const out = await exec('ctr', ['-a', socket, '-n', 'k8s.io', 'images', 'ls', '-q']);
  return out.split('\n').filter((l) => l && !l.startsWith('sha256:'));
}
