import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostsFor, mutatingConfiguration, validatingConfiguration, webhookClientConfig } from './register.ts';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('webhook registration', () => {
  it('points a url client config at /validate and /mutate under the base URL', () => {
    assert.deepEqual(webhookClientConfig({ url: 'https://127.0.0.1:9443/' }, '/validate', CA), {
      url: 'https://127.0.0.1:9443/validate',
      caBundle: Buffer.from(CA).toString('base64'),
    });
    assert.equal(webhookClientConfig({ url: 'https://127.0.0.1:9443' }, '/mutate', CA).url, 'https://127.0.0.1:9443/mutate');
  });

  it('points a service client config at the Service, port 443 unless given', () => {
    assert.deepEqual(webhookClientConfig({ service: { namespace: 'toe-system', name: 'toe-operator' } }, '/mutate', CA).service, {
      namespace: 'toe-system',
      name: 'toe-operator',
      port: 443,
      path: '/mutate',
    });
    assert.equal(
      webhookClientConfig({ service: { namespace: 'toe-system', name: 'toe-operator', port: 8443 } }, '/validate', CA).service?.port,
      8443,
    );
  });

  it('asks the certificate to cover the name the API server dials', () => {
    assert.deepEqual(hostsFor({ url: 'https://127.0.0.1:9443' }), ['127.0.0.1']);
    assert.deepEqual(hostsFor({ url: 'https://[::1]:9443' }), ['[::1]']);
    assert.deepEqual(hostsFor({ service: { namespace: 'toe-system', name: 'toe-operator' } }), [
      'toe-operator.toe-system.svc',
      'toe-operator.toe-system.svc.cluster.local',
    ]);
  });

  it('matches PowerTool CREATE and UPDATE only, failing closed within 5 s', () => {
    for (const configuration of [
      validatingConfiguration({ url: 'https://127.0.0.1:1' }, CA),
      mutatingConfiguration({ url: 'https://127.0.0.1:1' }, CA),
    ]) {
      assert.equal(configuration.metadata?.name, 'toe-powertools');
      const [webhook] = configuration.webhooks ?? [];
      assert.deepEqual(webhook?.rules, [
        {
          apiGroups: ['toe.dev'],
          apiVersions: ['v1alpha1'],
          resources: ['powertools'],
          operations: ['CREATE', 'UPDATE'],
          scope: 'Namespaced',
        },
      ]);
      assert.equal(webhook?.failurePolicy, 'Fail');
      assert.equal(webhook?.sideEffects, 'None');
      assert.equal(webhook?.matchPolicy, 'Equivalent');
      assert.equal(webhook?.timeoutSeconds, 5);
      assert.deepEqual(webhook?.admissionReviewVersions, ['v1']);
    }
    assert.equal(validatingConfiguration({ url: 'https://127.0.0.1:1' }, CA).webhooks?.[0]?.name, 'validate.powertools.toe.dev');
    assert.equal(mutatingConfiguration({ url: 'https://127.0.0.1:1' }, CA).webhooks?.[0]?.name, 'mutate.powertools.toe.dev');
  });
});
