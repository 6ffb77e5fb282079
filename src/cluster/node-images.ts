import { chmod, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { archivePath, split, withRootfs, type ImageJob } from '../images/images.ts';
import { packImage } from '../images/oci.ts';
import { busyboxRoot } from '../images/rootfs.ts';
import { BASE_IMAGE, COREDNS_IMAGE, PAUSE_IMAGE } from './settings.ts';
import { buildGoProgram, sourceKey } from './steps/build-programs.ts';

/** The images every node needs: the sandbox (pause), a busybox base for tests, and CoreDNS. */
export async function clusterImages(cacheDir: string): Promise<ImageJob[]> {
  const imagesDir = join(cacheDir, 'images');
  const program = async (name: 'pause' | 'coredns', ref: string, entrypoint: string[], base: boolean): Promise<ImageJob> => ({
    ref,
    archive: archivePath(imagesDir, ref, await sourceKey(name)),
    build: async (archive) => {
      const bin = await buildGoProgram(cacheDir, name);
      await withRootfs(
        async (root) => {
          if (base) await busyboxRoot(root);
          await copyFile(bin, join(root, name));
          await chmod(join(root, name), 0o755);
        },
        (root) => packImage(root, split(ref).tag, { entrypoint }, archive),
      );
    },
  });
  return [
    await program('pause', PAUSE_IMAGE, ['/pause'], false),
    {
      ref: BASE_IMAGE,
      archive: archivePath(imagesDir, BASE_IMAGE, ''),
      build: (archive) => withRootfs(busyboxRoot, (root) => packImage(root, split(BASE_IMAGE).tag, { entrypoint: ['/bin/sh'] }, archive)),
    },
    await program('coredns', COREDNS_IMAGE, ['/coredns'], true),
  ];
}
