import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * `powertools/<tool>/image.yaml`: how to build a tool's image without a registry or a Dockerfile engine (this
 * comment is the format's reference). The tool's Dockerfile, for registries, is generated from it (dockerfile.ts):
 *
 *   name: toe-perf                 # the image is localhost/<name>:<tag>
 *   tag: "1"                       # optional; default: the version in package.json
 *   base: busybox                  # busybox: busybox-static + copied binaries (~4 s, ~20 MB)
 *                                  # debian: debootstrap minbase with the packages inside (~70 s, ~75 MB)
 *   packages: [linux-perf]         # Debian packages (busybox base: apt-installed on the host, then copied from it)
 *   binaries: [/usr/bin/perf]      # host files copied with their shared-library closure (ldd)
 *   paths: [/usr/share/perf-core]  # optional: host files or folders copied as they are
 *   files:                         # from the tool's folder (../lib/… reaches shared files under powertools/)
 *     - { src: entrypoint.sh, dst: /toe/bin/entrypoint, mode: "0755" }
 *     - { src: lib, dst: /toe/lib }  # a folder is copied whole, its files keeping their own modes
 *   nodeModules: /app/node_modules # optional: the production dependencies of the package.json and
 *                                  # package-lock.json in the recipe's folder (npm ci --omit=dev --ignore-scripts)
 *   entrypoint: [/toe/bin/entrypoint]
 *   cmd: []                        # optional
 *   env: { TOOL: perf }            # optional
 */
const absolute = z
  .string()
  .regex(/^\/[^\0]*$/, 'an absolute path')
  .refine((p) => !p.split('/').includes('..'), 'no ".." segments');

export const imageSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$/, 'a lower-case image name'),
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'an image tag')
    .optional(),
  base: z.enum(['busybox', 'debian']).default('busybox'),
  packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name')).default([]),
  binaries: z.array(absolute).default([]),
  paths: z.array(absolute).default([]),
  files: z
    .array(
      z.strictObject({
        // Relative to the tool folder; where it may point (inside powertools/) is checked when the folder is known.
        src: z
          .string()
          .min(1)
          .refine((p) => !p.startsWith('/') && !p.includes('\0'), 'a path relative to the tool folder'),
        dst: absolute,
        mode: z
          .string()
          .regex(/^0?[0-7]{3,4}$/, 'an octal mode such as "0755"')
          .default('0644'),
      }),
    )
    .default([]),
  nodeModules: absolute.optional(),
  entrypoint: z.array(z.string().min(1)).min(1),
  cmd: z.array(z.string()).default([]),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
});

export type ImageSpec = z.output<typeof imageSpecSchema>;

export function parseImageSpec(text: string, source: string): ImageSpec {
  const result = imageSpecSchema.safeParse(parse(text));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `* ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`The image spec ${source} is invalid:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function imageRef(spec: Pick<ImageSpec, 'name' | 'tag'>, defaultTag: string): string {
  return `localhost/${spec.name}:${spec.tag ?? defaultTag}`;
}

/** A file source resolved against the tool folder, refused if it leaves `root` (the powertools/ folder). */
export function resolveSource(root: string, toolDir: string, src: string): string {
  const full = resolve(toolDir, src);
  const base = resolve(root);
  if (!full.startsWith(`${base}/`)) throw new Error(`files.src "${src}" leaves ${base}: tool files must come from powertools/`);
  return full;
}
