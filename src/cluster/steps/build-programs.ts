import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.ts';
import { exec } from '../../host/exec.ts';
import { buildOnce, goEnv } from '../go-build.ts';
import { HELM_VERSION, PROMETHEUS_VERSION, TRAEFIK_VERSION } from '../settings.ts';

/**
 * The Go programs TOE ships as source: the pause container, CoreDNS with only the plugins it uses, Traefik (the
 * Ingress controller), Helm, which only the chart's end-to-end suite runs, and Prometheus and promtool, which only
 * the prometheus probe's tests run. Each folder under go/ is a module whose go.mod and go.sum pin every dependency.
 */
export const GO_PROGRAMS = ['pause', 'coredns', 'traefik', 'helm', 'prometheus', 'promtool'] as const;
export type GoProgram = (typeof GO_PROGRAMS)[number];
/** What `up` builds: a cluster does not need Helm, so its cold build stays a test's cost (test/harness/helm.ts). */
export const CLUSTER_PROGRAMS = ['pause', 'coredns', 'traefik'] as const satisfies readonly GoProgram[];

/**
 * What to build in each folder: its own main package, or a main package of a dependency (Traefik's command, kept in
 * the module graph by a `tools` build-tagged import), with the version stamps upstream's release build sets.
 * `source` is the folder when it is not the program's name; `tags` are Go build tags.
 */
const promStamp = [
  `-X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION}`,
  '-X github.com/prometheus/common/version.Branch=HEAD',
];

const targets: Record<GoProgram, { pkg: string; ldflags?: string[]; source?: string; tags?: string[] }> = {
  pause: { pkg: '.' },
  coredns: { pkg: '.' },
  traefik: {
    pkg: 'github.com/traefik/traefik/v3/cmd/traefik',
    ldflags: [`-X github.com/traefik/traefik/v3/pkg/version.Version=${TRAEFIK_VERSION}`],
  },
  // As helm's Makefile stamps a release; without it `helm version` says "v4.3".
  helm: {
    pkg: 'helm.sh/helm/v4/cmd/helm',
    ldflags: [`-X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}`, '-X helm.sh/helm/v4/internal/version.gitTreeState=clean'],
  },
  // remove_all_sd leaves out every service discovery but static, file and http (upstream README, "Service discovery
  // plugins"): the probe's Prometheus scrapes fixed targets. promtool imports the kubernetes SD itself, so the tag
  // saves it less.
  prometheus: { pkg: 'github.com/prometheus/prometheus/cmd/prometheus', tags: ['remove_all_sd'], ldflags: promStamp },
  promtool: { pkg: 'github.com/prometheus/prometheus/cmd/promtool', source: 'prometheus', tags: ['remove_all_sd'], ldflags: promStamp },
};

const sourceRoot = new URL('../go/', import.meta.url).pathname;

const sourceDir = (name: GoProgram) => join(sourceRoot, targets[name].source ?? name);

async function sourceFiles(name: GoProgram): Promise<string[]> {
  return (await readdir(sourceDir(name))).filter((f) => /\.(go|mod|sum)$/.test(f)).sort();
}

/** A key from the sources themselves (go.mod pins the versions) and the build tags, so a change rebuilds. */
export async function sourceKey(name: GoProgram): Promise<string> {
  const h = createHash('sha256');
  for (const f of await sourceFiles(name)) h.update(f).update(await readFile(join(sourceDir(name), f)));
  // Only when set, so the keys (and caches) of the programs without tags stay as they were.
  const { tags = [] } = targets[name];
  if (tags.length > 0) h.update(`tags=${tags.join(',')}`);
  return h.digest('hex').slice(0, 12);
}

/** Builds one program into <cache>/<name>/<key>/<name> unless it is there; returns the binary's path. */
export async function buildGoProgram(cacheDir: string, name: GoProgram): Promise<string> {
  const dir = join(cacheDir, name, await sourceKey(name));
  const out = join(dir, name);
  await buildOnce(dir, [out], async () => {
    const src = join(dir, 'build');
    await mkdir(src, { recursive: true });
    for (const f of await sourceFiles(name)) await copyFile(join(sourceDir(name), f), join(src, f));
    const { pkg, ldflags = [], tags = [] } = targets[name];
    const tagArgs = tags.length > 0 ? [`-tags=${tags.join(',')}`] : [];
    await exec('go', ['build', '-trimpath', ...tagArgs, `-ldflags=${['-s', '-w', ...ldflags].join(' ')}`, '-o', `${out}.partial`, pkg], {
      cwd: src,
      env: goEnv(),
    });
    await rename(`${out}.partial`, out);
  });
  return out;
}

export async function runBuildPrograms(ctx: Context): Promise<void> {
  for (const p of CLUSTER_PROGRAMS) await buildGoProgram(ctx.layout.cacheDir, p);
}
