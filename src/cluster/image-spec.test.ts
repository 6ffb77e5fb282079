import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { imageRef, parseImageSpec } from './image-spec.ts';

describe('image.yaml', () => {
  it('fills defaults and names the image under localhost/', () => {
    const spec = parseImageSpec('name: toe-strace\nbinaries: [/usr/bin/strace]\nentrypoint: [/entrypoint.sh]\n', 'x');
    assert.equal(spec.base, 'busybox');
    assert.equal(spec.tag, 'latest');
    assert.deepEqual(spec.files, []);
    assert.equal(imageRef(spec), 'localhost/toe-strace:latest');
  });
  it('refuses paths that escape the tool folder or the rootfs, and unknown fields', () => {
    const bad = [
      'name: t\nentrypoint: [/e]\nfiles: [{src: ../../etc/shadow, dest: /x}]\n',
      'name: t\nentrypoint: [/e]\nfiles: [{src: /etc/shadow, dest: /x}]\n',
      'name: t\nentrypoint: [/e]\nbinaries: [usr/bin/x]\n',
      'name: t\nentrypoint: [/e]\npaths: [/usr/../etc]\n',
      'name: T\nentrypoint: [/e]\n',
      'name: t\nentrypoint: []\n',
      'name: t\nentrypoint: [/e]\nrun: [rm -rf /]\n',
      'name: t\nentrypoint: [/e]\npackages: ["-oAPT::Foo=1"]\n',
    ];
    for (const text of bad) assert.throws(() => parseImageSpec(text, 'powertools/t/image.yaml'), /image spec powertools\/t\/image.yaml is invalid/, text);
  });
});
