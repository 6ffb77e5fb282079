import { parse } from 'yaml';
import { z } from 'zod';

/**
 * `powertools/<tool>/image.yaml`: how to build a tool's image without a registry or a Dockerfile engine.
 *
 *   name: toe-perf                 # the image is localhost/<name>:<tag>
 *   tag: "1"
 *   base: busybox                  # busybox: busybox-static + copied binaries (~4 s, ~20 MB)
 *                                  # debian: debootstrap minbase with the packages inside (~70 s, ~75 MB)
 *   packages: [linux-perf]         # Debian packages (busybox base: installed on the host, then copied from it)
 *   binaries: [/usr/bin/perf]      # busybox base: host files copied with their shared-library closure (ldd)
 *   paths: [/usr/share/perf-core]  # host files or folders copied as they are
 *   files:                         # from the tool's folder
 *     - { src: entrypoint.sh, dest: /entrypoint.sh, mode: "0755" }
 *   entrypoint: [/entrypoint.sh]
 *   env: { TOOL: perf }
 */
const absolute = z.string().regex(/^\/[^\0]*$/, 'an absolute path').refine((p) => !p.split('/').includes('..'), 'no ".." segments');

export const imageSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$/, 'a lower-case image name'),
  tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'an image tag').default('latest'),
  base: z.enum(['busybox', 'debian']).default('busybox'),
  packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name')).default([]),
  binaries: z.array(absolute).default([]),
  paths: z.array(absolute).default([]),
  files: z.array(z.strictObject({
    src: z.string().min(1).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a path inside the tool folder'),
    dest: absolute,
    mode: z.string().regex(/^0?[0-7]{3,4}$/).default('0644'),
  })).default([]),
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

export function imageRef(spec: Pick<ImageSpec, 'name' | 'tag'>): string {
  return `localhost/${spec.name}:${spec.tag}`;
}
