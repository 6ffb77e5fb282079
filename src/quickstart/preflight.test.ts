import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, problems, type Facts } from './preflight.ts';

const GiB = 1024 ** 3;
const fresh: Facts = {
  nodeVersion: '20.20.2',
  platform: 'linux',
  uid: 0,
  target: { source: 'local', localUp: false, local: true, kubeconfig: '/var/lib/toe/kubeconfig' },
  goVersion: '1.26.0',
  kubernetesBuilt: false,
  cacheDir: '/var/cache/toe',
  stateDir: '/var/lib/toe',
  cacheFree: 50 * GiB,
  stateFree: 50 * GiB,
  kubeconfigReadable: true,
};

describe('atLeast', () => {
  it('compares dotted versions part by part', () => {
    assert.equal(atLeast('20.19.0', '20.19'), true);
    assert.equal(atLeast('20.9.1', '20.19'), false);
    assert.equal(atLeast('22.1', '20.19'), true);
    assert.equal(atLeast('1.24', '1.24'), true);
    assert.equal(atLeast('1.23.9', '1.24'), false);
  });
});

describe('quickstart preflight', () => {
  it('finds nothing wrong on a prepared machine', () => {
    assert.deepEqual(problems(fresh), []);
  });

  it('asks for root, Go and disk before bringing the local cluster up', () => {
    const found = problems({ ...fresh, uid: 1000, goVersion: undefined, cacheFree: 2 * GiB });
    assert.equal(found.length, 3, found.join('\n'));
    assert.match(found[0] ?? '', /needs root/);
    assert.match(found[1] ?? '', /Go 1\.24 or newer/);
    assert.match(found[2] ?? '', /2\.0 GiB free.*building Kubernetes once needs about 6\.0 GiB.*TOE_CACHE_DIR/);
  });

  it('needs less cache once Kubernetes is built', () => {
    assert.deepEqual(problems({ ...fresh, kubernetesBuilt: true, cacheFree: 2 * GiB }), []);
  });

  it('refuses an old Go and an old Node.js', () => {
    const found = problems({ ...fresh, goVersion: '1.22.5', nodeVersion: '20.11.0' });
    assert.equal(found.length, 2);
    assert.match(found[0] ?? '', /Node\.js 20\.19 or newer.*20\.11\.0/);
    assert.match(found[1] ?? '', /found go1\.22\.5/);
  });

  it('does not ask for root or Go on a cluster from KUBECONFIG', () => {
    const target = { source: 'env' as const, localUp: false, local: false, kubeconfig: '/home/me/kind.yaml' };
    assert.deepEqual(problems({ ...fresh, target, uid: 1000, goVersion: undefined, cacheFree: 0 }), []);
  });

  it('says so when KUBECONFIG names a file that cannot be read', () => {
    const target = { source: 'env' as const, localUp: false, local: false, kubeconfig: '/nowhere' };
    assert.match(problems({ ...fresh, target, kubeconfigReadable: false }).join('\n'), /KUBECONFIG names \/nowhere.*unset KUBECONFIG/);
  });

  it('needs root to import images into the running local cluster', () => {
    const target = { source: 'env' as const, localUp: true, local: true, kubeconfig: '/var/lib/toe/kubeconfig' };
    assert.match(problems({ ...fresh, target, uid: 1000 }).join('\n'), /importing the sample images.*needs root/);
  });
});
