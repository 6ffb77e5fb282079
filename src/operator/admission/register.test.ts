import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostsFor, isOwnRegistration, mutatingConfiguration, targetsOf, validatingConfiguration, webhookClientConfig } from './register.ts';

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

  it('matches PowerTool and PowerToolSchedule CREATE and UPDATE only (and EmergencyStop for the requester), failing closed within 5 s', () => {
    for (const configuration of [
      validatingConfiguration({ url: 'https://127.0.0.1:1' }, CA),
      mutatingConfiguration({ url: 'https://127.0.0.1:1' }, CA),
    ]) {
      assert.equal(configuration.metadata?.name, 'toe-powertools');
      const [webhook] = configuration.webhooks ?? [];
      const rule = (resources: string[], scope: string) => ({
        apiGroups: ['toe.dev'],
        apiVersions: ['v1alpha1'],
        resources,
        operations: ['CREATE', 'UPDATE'],
        scope,
      });
      const estop = configuration.kind === 'MutatingWebhookConfiguration' ? [rule(['emergencystops'], 'Cluster')] : [];
      assert.deepEqual(webhook?.rules, [rule(['powertools', 'powertoolschedules', 'powertoolscenarios'], 'Namespaced'), ...estop]);
      assert.equal(webhook?.failurePolicy, 'Fail');
      assert.equal(webhook?.sideEffects, 'None');
      assert.equal(webhook?.matchPolicy, 'Equivalent');
      assert.equal(webhook?.timeoutSeconds, 5);
      assert.deepEqual(webhook?.admissionReviewVersions, ['v1']);
    }
    assert.equal(validatingConfiguration({ url: 'https://127.0.0.1:1' }, CA).webhooks?.[0]?.name, 'validate.powertools.toe.dev');
    assert.equal(mutatingConfiguration({ url: 'https://127.0.0.1:1' }, CA).webhooks?.[0]?.name, 'mutate.powertools.toe.dev');
  });

  describe('telling our own registration from a stale one', () => {
    const ours = validatingConfiguration({ url: 'https://127.0.0.1:9443' }, CA);
    const other = (url: string, ca = CA) => validatingConfiguration({ url }, ca);

    it('is ours only with the same URL or Service and the same caBundle', () => {
      assert.equal(isOwnRegistration(ours, validatingConfiguration({ url: 'https://127.0.0.1:9443' }, CA)), true);
      // A previous operator on another port, or with a certificate since replaced, is stale.
      assert.equal(isOwnRegistration(other('https://127.0.0.1:9444'), ours), false);
      assert.equal(isOwnRegistration(other('https://127.0.0.1:9443', CA.replace('MIIB', 'MIIC')), ours), false);
      const service = validatingConfiguration({ service: { namespace: 'toe-system', name: 'toe-operator' } }, CA);
      assert.equal(isOwnRegistration(service, ours), false);
      assert.equal(
        isOwnRegistration(service, validatingConfiguration({ service: { namespace: 'toe-system', name: 'toe-operator' } }, CA)),
        true,
      );
    });

    it('is not ours when a webhook was added or removed by hand', () => {
      assert.equal(isOwnRegistration({ webhooks: [...(ours.webhooks ?? []), ...(ours.webhooks ?? [])] }, ours), false);
      assert.equal(isOwnRegistration({ webhooks: [] }, ours), false);
      assert.equal(isOwnRegistration({}, ours), false);
    });

    it('names where a registration sends reviews, for the log line that replaces it', () => {
      assert.deepEqual(targetsOf(ours), ['https://127.0.0.1:9443/validate']);
      assert.deepEqual(targetsOf(mutatingConfiguration({ service: { namespace: 'toe-system', name: 'toe-operator', port: 8443 } }, CA)), [
        'service toe-system/toe-operator:8443/mutate',
      ]);
      assert.deepEqual(targetsOf({}), []);
    });
  });
});
