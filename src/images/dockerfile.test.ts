import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerfile, toolDockerfiles } from './dockerfile.ts';
import { parseImageSpec } from './image-spec.ts';

const root = new URL('../../', import.meta.url).pathname;
const ctx = { context: 'powertools', dir: 't', tag: '0.1.0', folders: new Set<string>() };

describe('Dockerfiles generated from image.yaml', () => {
  it('every committed powertools/<tool>/Dockerfile is what image.yaml generates', async () => {
    const expected = await toolDockerfiles(root);
    assert.ok(expected.length >= 7, 'one per tool');
    for (const { path, text } of expected)
      assert.equal(readFileSync(join(root, path), 'utf8'), text, `${path} differs from its image.yaml: run \`npm run gen:dockerfiles\``);
    const withDockerfile = readdirSync(join(root, 'powertools')).filter((d) => existsSync(join(root, 'powertools', d, 'Dockerfile')));
    assert.deepEqual(
      withDockerfile.map((d) => `powertools/${d}/Dockerfile`).sort(),
      expected.map((e) => e.path).sort(),
      'a Dockerfile without an image.yaml',
    );
  });

  it('installs the packages, checks the host binaries, copies each file with its mode, runs on busybox', () => {
    const spec = parseImageSpec(
      'name: toe-t\npackages: [strace]\nbinaries: [/usr/bin/strace]\nfiles:\n  - { src: entrypoint.sh, dst: /toe/bin/entrypoint, mode: "0755" }\n  - { src: ../lib/toe.sh, dst: /toe/lib/toe.sh }\n  - { src: ../lib, dst: /toe/lib }\nentrypoint: [/toe/bin/entrypoint]\n',
      't',
    );
    const text = dockerfile(spec, { ...ctx, folders: new Set(['../lib']) });
    assert.match(text, /^# Generated from image\.yaml/);
    assert.match(text, /-t <registry>\/toe-t:0\.1\.0 powertools\n/);
    assert.match(text, /apt-get install -y --no-install-recommends strace ca-certificates busybox-static \\/);
    assert.match(text, /^RUN ls -d \/usr\/bin\/strace > \/dev\/null$/m);
    assert.match(text, /^COPY --chmod=0755 t\/entrypoint\.sh \/toe\/bin\/entrypoint$/m);
    assert.match(text, /^COPY --chmod=0644 lib\/toe\.sh \/toe\/lib\/toe\.sh$/m);
    assert.match(text, /^COPY lib \/toe\/lib$/m, 'a folder keeps its own modes');
    assert.match(text, /busybox --install -s \/toe\/busybox/);
    assert.match(text, /\nENTRYPOINT \["\/toe\/bin\/entrypoint"\]\n$/);
  });

  it('a debian base gets no busybox; env and cmd are quoted for Docker', () => {
    const spec = parseImageSpec(
      'name: d\nbase: debian\npackages: [curl]\nentrypoint: [/bin/sh, -c]\ncmd: [\'echo "$X"\']\nenv: { X: \'a "b" $c\' }\n',
      'd',
    );
    const text = dockerfile(spec, ctx);
    assert.doesNotMatch(text, /busybox/);
    assert.doesNotMatch(text, /RUN ls/);
    assert.match(text, /^ENV X="a \\"b\\" \\\$c"$/m);
    assert.match(text, /^ENTRYPOINT \["\/bin\/sh","-c"\]$/m);
    assert.match(text, /^CMD \["echo \\"\$X\\""\]$/m);
  });

  it('refuses what has no Dockerfile form or leaves the build context', () => {
    const modules = parseImageSpec('name: d\nnodeModules: /app/node_modules\nentrypoint: [/e]\n', 'd');
    assert.throws(() => dockerfile(modules, ctx), /nodeModules has no Dockerfile form/);
    const outside = parseImageSpec('name: d\nfiles: [{ src: ../../package.json, dst: /p }]\nentrypoint: [/e]\n', 'd');
    assert.throws(() => dockerfile(outside, ctx), /leaves powertools\//);
  });
});
