/**
 * The Dockerfile form of a tool's image.yaml, for people who push images to a registry. image.yaml is the one recipe:
 * `npm run gen:dockerfiles` writes powertools/<tool>/Dockerfile from it, and a test fails when a committed Dockerfile
 * differs from what it would write, so the two never drift.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { parseImageSpec, resolveSource, type ImageSpec } from './image-spec.ts';

/** Where a recipe sits in the build context (powertools/), and which of its file sources are folders. */
export interface DockerfileContext {
  /** The context folder as users name it on the command line: "powertools". */
  context: string;
  /** The tool's folder inside the context: "cpu". */
  dir: string;
  /** The image tag: image.yaml's `tag`, else the product version. */
  tag: string;
  /** `files[].src` entries that are folders: copied whole, their files keeping their own modes. */
  folders: ReadonlySet<string>;
}

const BASE = 'debian:bookworm-slim';
/** The slim image has no CA bundle, which curl needs for https uploads; busybox-static provides the busybox base. */
const EXTRA_PACKAGES: Record<ImageSpec['base'], string[]> = { busybox: ['ca-certificates', 'busybox-static'], debian: ['ca-certificates'] };

/** A Dockerfile ENV value: double-quoted, with the characters Docker would otherwise interpret escaped. */
function envValue(v: string): string {
  return `"${v.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** The Dockerfile for one recipe (pure). Refuses what has no Dockerfile form rather than writing a different image. */
export function dockerfile(spec: ImageSpec, c: DockerfileContext): string {
  if (spec.nodeModules) throw new Error(`${c.dir}/image.yaml: nodeModules has no Dockerfile form`);
  const source = (src: string): string => {
    const path = posix.normalize(posix.join(c.dir, src));
    if (path === '..' || path.startsWith('../')) throw new Error(`${c.dir}/image.yaml: files.src "${src}" leaves ${c.context}/`);
    return path;
  };
  const packages = [...spec.packages, ...EXTRA_PACKAGES[spec.base]];
  const lines = [
    '# Generated from image.yaml by `npm run gen:dockerfiles`: do not edit (a test fails when the two differ).',
    '# For registries; `toe cluster images` builds the same image from image.yaml without one.',
    `# docker build -f ${c.context}/${c.dir}/Dockerfile -t <registry>/${spec.name}:${c.tag} ${c.context}`,
    `FROM ${BASE}`,
    'RUN apt-get update \\',
    ` && apt-get install -y --no-install-recommends ${packages.join(' ')} \\`,
    ' && rm -rf /var/lib/apt/lists/*',
  ];
  const fromHost = [...spec.binaries, ...spec.paths];
  if (fromHost.length) {
    // image.yaml copies these from the host, where its packages installed them: here the packages must provide them.
    lines.push(`RUN ls -d ${fromHost.join(' ')} > /dev/null`);
  }
  for (const f of spec.files) {
    if (c.folders.has(f.src)) lines.push(`COPY ${source(f.src)} ${f.dst}`);
    else lines.push(`COPY --chmod=${f.mode} ${source(f.src)} ${f.dst}`);
  }
  if (spec.base === 'busybox') {
    lines.push(
      '# The busybox base: entrypoints are written for and tested with busybox ash and its applets, so they run on them.',
      'RUN mkdir -p /toe/busybox && busybox --install -s /toe/busybox && ln -sf /bin/busybox /bin/sh',
      'ENV PATH=/toe/busybox:/usr/sbin:/usr/bin:/sbin:/bin',
    );
  }
  for (const [k, v] of Object.entries(spec.env)) lines.push(`ENV ${k}=${envValue(v)}`);
  lines.push(`ENTRYPOINT ${JSON.stringify(spec.entrypoint)}`);
  if (spec.cmd.length) lines.push(`CMD ${JSON.stringify(spec.cmd)}`);
  return lines.join('\n') + '\n';
}

/** Every powertools/<tool>/Dockerfile as `npm run gen:dockerfiles` writes it, from the tool's image.yaml. */
export async function toolDockerfiles(root: string): Promise<{ path: string; text: string }[]> {
  const context = join(root, 'powertools');
  const version = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const out: { path: string; text: string }[] = [];
  for (const e of (await readdir(context, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const recipe = join(context, e.name, 'image.yaml');
    const text = e.isDirectory() ? await readFile(recipe, 'utf8').catch(() => undefined) : undefined;
    if (text === undefined) continue;
    const spec = parseImageSpec(text, `powertools/${e.name}/image.yaml`);
    const folders = new Set<string>();
    for (const f of spec.files) if ((await stat(resolveSource(context, join(context, e.name), f.src))).isDirectory()) folders.add(f.src);
    out.push({
      path: join('powertools', e.name, 'Dockerfile'),
      text: dockerfile(spec, { context: 'powertools', dir: e.name, tag: spec.tag ?? version, folders }),
    });
  }
  return out;
}
