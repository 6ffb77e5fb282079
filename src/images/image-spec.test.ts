import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { imageRef, parseImageSpec, resolveSource } from './image-spec.ts';

describe('image.yaml', () => {
  it('fills defaults and names the image under localhost/ with the product version', () => {
    const spec = parseImageSpec(
      'name: toe-strace\nbinaries: [/usr/bin/strace]\nfiles: [{src: ../lib/toe.sh, dst: /toe/lib/toe.sh}]\nentrypoint: [/toe/bin/entrypoint]\n',
      'x',
    );
    assert.equal(spec.base, 'busybox');
    assert.equal(spec.files[0]?.mode, '0644');
    assert.equal(imageRef(spec, '0.1.0'), 'localhost/toe-strace:0.1.0');
    assert.equal(imageRef({ ...spec, tag: '2' }, '0.1.0'), 'localhost/toe-strace:2');
    assert.equal(spec.nodeModules, undefined);
  });
  it('reads the product image recipe: the compiled folders copied whole and production node_modules', () => {
    const text = readFileSync(new URL('./toe-image.yaml', import.meta.url), 'utf8');
    const spec = parseImageSpec(text, 'src/images/toe-image.yaml');
    assert.equal(imageRef(spec, '0.1.0'), 'localhost/toe:0.1.0');
    assert.equal(spec.nodeModules, '/app/node_modules');
    // node runs the compiled CLI (src/images/toe-build.ts), never tsx.
    assert.equal(spec.entrypoint[0], '/usr/bin/node');
    assert.equal(spec.entrypoint.at(-1), '/app/src/cli/main.js');
    for (const dir of ['src', 'processing'])
      assert.ok(
        spec.files.some((f) => f.src === dir && f.dst === `/app/${dir}`),
        dir,
      );
    assert.equal(resolveSource('/r', '/r', 'src'), '/r/src');
  });
  it('refuses absolute sources, relative destinations, bad names and unknown fields', () => {
    const bad = [
      'name: t\nentrypoint: [/e]\nfiles: [{src: /etc/shadow, dst: /x}]\n',
      'name: t\nentrypoint: [/e]\nfiles: [{src: a, dst: x}]\n',
      'name: t\nentrypoint: [/e]\nfiles: [{src: a, dest: /x}]\n',
      'name: t\nentrypoint: [/e]\nbinaries: [usr/bin/x]\n',
      'name: t\nentrypoint: [/e]\npaths: [/usr/../etc]\n',
      'name: T\nentrypoint: [/e]\n',
      'name: t\nentrypoint: []\n',
      'name: t\nentrypoint: [/e]\nrun: [rm -rf /]\n',
      'name: t\nentrypoint: [/e]\npackages: ["-oAPT::Foo=1"]\n',
      'name: t\nentrypoint: [/e]\nnodeModules: app/node_modules\n',
    ];
    for (const text of bad)
      assert.throws(() => parseImageSpec(text, 'powertools/t/image.yaml'), /image spec powertools\/t\/image.yaml is invalid/, text);
  });
  it('lets a tool use shared files under powertools/ and nothing outside it', () => {
    assert.equal(resolveSource('/r/powertools', '/r/powertools/cpu', '../lib/toe.sh'), '/r/powertools/lib/toe.sh');
    assert.equal(resolveSource('/r/powertools', '/r/powertools/cpu', 'entrypoint.sh'), '/r/powertools/cpu/entrypoint.sh');
    for (const src of ['../../package.json', '../../../etc/shadow', '..'])
      assert.throws(() => resolveSource('/r/powertools', '/r/powertools/cpu', src), /leaves/, src);
  });
});
