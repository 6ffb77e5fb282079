import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.ts';
import { exec } from '../exec.ts';
import { allExist, goEnv } from '../go-build.ts';

/** The small Go programs TOE ships as source: the pause container and CoreDNS with only the plugins it uses. */
export const GO_PROGRAMS = ['pause', 'coredns'] as const;
export type GoProgram = (typeof GO_PROGRAMS)[number];

const sourceRoot = new URL('../go/', import.meta.url).pathname;

async function sourceFiles(name: GoProgram): Promise<string[]> {
  return (await readdir(join(sourceRoot, name))).filter((f) => /\.(go|mod|sum)$/.test(f)).sort();
}

/** A key from the sources themselves (go.mod pins the versions), so a changed main.go or version rebuilds. */
export async function sourceKey(name: GoProgram): Promise<string> {
  const h = createHash('sha256');
  for (const f of await sourceFiles(name)) h.update(f).update(await readFile(join(sourceRoot, name, f)));
  return h.digest('hex').slice(0, 12);
}

/** Builds one program into <cache>/<name>/<key>/<name> unless it is there; returns the binary's path. */
export async function buildGoProgram(cacheDir: string, name: GoProgram): Promise<string> {
  const dir = join(cacheDir, name, await sourceKey(name));
  const out = join(dir, name);
  if (await allExist([out])) return out;
  const src = join(dir, 'build');
  await mkdir(src, { recursive: true });
  for (const f of await sourceFiles(name)) await copyFile(join(sourceRoot, name, f), join(src, f));
  await exec('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', `${out}.partial`, '.'], { cwd: src, env: goEnv() });
  await rename(`${out}.partial`, out);
  return out;
}

export async function runBuildPrograms(ctx: Context): Promise<void> {
  for (const p of GO_PROGRAMS) await buildGoProgram(ctx.layout.cacheDir, p);
}
