import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.ts';
import { exec } from '../../host/exec.ts';
import { buildOnce, goEnv, moduleGoModPath } from '../go-build.ts';
import { buildGoMod, toolsGo, versionLdflags } from '../gomod.ts';
import { KUBERNETES_VERSION } from '../settings.ts';

export const KUBERNETES_COMMANDS = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
  'kubectl',
] as const;
export type KubernetesCommand = (typeof KUBERNETES_COMMANDS)[number];

export function kubernetesDir(cacheDir: string, version = KUBERNETES_VERSION): string {
  return join(cacheDir, 'kubernetes', version);
}

export function binary(ctx: Pick<Context, 'layout'>, name: KubernetesCommand): string {
  return join(kubernetesDir(ctx.layout.cacheDir), 'bin', name);
}

/**
 * Builds the official Kubernetes binaries from the k8s.io/kubernetes Go module, once per version: all six in one
 * `go build` so the shared packages compile once (CPU-bound: 15 min on 2 cores with an empty Go build cache,
 * plus ~1 min of module downloads).
 * Flags follow hack/lib/golang.sh: static, trimmed paths, stripped, version stamped.
 */
export async function buildKubernetes(cacheDir: string, version = KUBERNETES_VERSION): Promise<string> {
  const dir = kubernetesDir(cacheDir, version);
  const bin = join(dir, 'bin');
  await buildOnce(
    dir,
    KUBERNETES_COMMANDS.map((c) => join(bin, c)),
    async () => {
      const src = join(dir, 'build');
      await mkdir(src, { recursive: true });
      const upstream = await readFile(await moduleGoModPath('k8s.io/kubernetes', version, src), 'utf8');
      const packages = KUBERNETES_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`);
      await writeFile(join(src, 'go.mod'), buildGoMod(version, upstream));
      await writeFile(join(src, 'tools.go'), toolsGo(packages));
      await exec('go', ['mod', 'tidy'], { cwd: src, env: goEnv() });
      const tmp = join(dir, 'bin.partial');
      await rm(tmp, { recursive: true, force: true });
      await mkdir(tmp);
      const ldflags = ['-s', '-w', ...versionLdflags(version, new Date().toISOString().replace(/\.\d+Z$/, 'Z'))].join(' ');
      await exec('go', ['build', '-trimpath', '-tags=selinux,notest,grpcnotrace', `-ldflags=${ldflags}`, '-o', `${tmp}/`, ...packages], {
        cwd: src,
        env: goEnv(),
      });
      await rm(bin, { recursive: true, force: true });
      await rename(tmp, bin);
    },
  );
  return bin;
}

export async function runBuildKubernetes(ctx: Context): Promise<void> {
  await buildKubernetes(ctx.layout.cacheDir);
}
