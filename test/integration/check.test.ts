/**
 * `toe check` against a real kube-apiserver: each precondition a test breaks on purpose (namespace not opted in, a
 * Pod Security level the tool exceeds, a config the operator found Invalid, an image on no node, admission the API
 * server cannot reach, a user without rights, no operator leading, a CRD missing) is named with its fix, and fixing
 * it turns the finding ok. The operator runs under the chart's RBAC with leader election, so its Lease is real.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { AdmissionregistrationV1Api, ApiextensionsV1Api, KubeConfig } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../src/api/index.ts';
import { check } from '../../src/cli/check.ts';
import type { Finding } from '../../src/check/finding.ts';
import { runChecks } from '../../src/check/run.ts';
import { makeClients } from '../../src/kube/client.ts';
import { mergePatch } from '../../src/kube/patch.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { VALIDATING_WEBHOOK_NAME } from '../../src/operator/admission/register.ts';
import type { Manager } from '../../src/operator/manager.ts';
import {
  ensureNamespace,
  ignoreExists,
  installCrds,
  neverPulledConfig,
  operatorKubeConfig,
  startSuiteOperator,
  testClients,
} from './kube.ts';

const clients = testClients();
const OPERATOR_NS = 'toe-system';
const suffix = Date.now().toString(36);
const NS = `check-it-${suffix}`;
const LEASE = `toe-operator-it-check-${suffix}`;
const GOOD = `check-good-${suffix}`;
const BAD = `check-bad-${suffix}`;
const WEBHOOK_CONFIG = `toe-check-it-${suffix}`;
let manager: Manager | undefined;

const checks = (c = clients): Promise<Finding[]> => runChecks(c, { namespace: NS, operatorNamespace: OPERATOR_NS, leaseName: LEASE });
const about = (findings: Finding[], check: string, subject: string): Finding => {
  const f = findings.find((x) => x.check === check && x.subject === subject);
  assert.ok(f, `a ${check} finding about ${subject} in ${JSON.stringify(findings.map((x) => [x.check, x.subject]))}`);
  return f;
};
const nsLabels = (labels: Record<string, string | null>) =>
  clients.core.patchNamespace({ name: NS, body: { metadata: { labels } } }, mergePatch());

describe('toe check: a preflight that names each broken precondition', () => {
  before(async () => {
    await installCrds(clients);
    await ensureNamespace(clients, OPERATOR_NS);
    await ensureNamespace(clients, NS, { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const operatorKc = await operatorKubeConfig(clients, OPERATOR_NS);
    manager = await startSuiteOperator(operatorKc, OPERATOR_NS, 'check', { leaderElection: true, leaseName: LEASE });
    const good = neverPulledConfig(GOOD, OPERATOR_NS);
    // privileged, which the operator's default tool privileges refuse: Ready=False with its reason.
    const bad = neverPulledConfig(BAD, OPERATOR_NS) as { spec: Record<string, unknown> };
    bad.spec.securityContext = { privileged: true };
    for (const body of [good, bad]) {
      await clients.custom
        .createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: OPERATOR_NS, plural: 'powertoolconfigs', body })
        .catch(ignoreExists);
    }
    await waitFor('both configs checked by the operator', async () => {
      const items = (await clients.resources.configs.list(OPERATOR_NS)).items.filter((c) => [GOOD, BAD].includes(c.metadata.name));
      return items.length === 2 && items.every((c) => c.status?.conditions?.some((x) => x.type === 'Ready'));
    });
  });

  after(async () => {
    await manager?.stop();
    await clients.kc
      .makeApiClient(AdmissionregistrationV1Api)
      .deleteValidatingWebhookConfiguration({ name: WEBHOOK_CONFIG })
      .catch(() => undefined);
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    for (const name of [GOOD, BAD]) {
      await clients.custom
        .deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name })
        .catch(() => undefined);
    }
    await installCrds(clients);
  });

  it('fails a namespace not opted in, a Pod Security level the tool exceeds, an Invalid config and an image on no node', async () => {
    const findings = await checks();
    for (const f of findings.filter((x) => x.check === 'crds')) assert.equal(f.severity, 'ok', `${f.subject}: ${f.message}`);
    assert.equal(about(findings, 'operator', `Lease ${OPERATOR_NS}/${LEASE}`).severity, 'ok');

    const optIn = about(findings, 'namespace', `namespace ${NS}`);
    assert.equal(optIn.severity, 'fail');
    assert.equal(optIn.fix, `kubectl label namespace ${NS} toe.dev/allow-powertools=true`);

    const psa = about(findings, 'pod-security', `tool ${GOOD} in ${NS}`);
    assert.equal(psa.severity, 'fail');
    assert.match(psa.message, /enforces restricted, but tool .* needs baseline/);

    const bad = about(findings, 'configs', `PowerToolConfig ${OPERATOR_NS}/${BAD}`);
    assert.equal(bad.severity, 'fail');
    assert.match(bad.message, /not Ready: .*privileged/i, "the operator's own reason is passed on");
    const good = about(findings, 'configs', `PowerToolConfig ${OPERATOR_NS}/${GOOD}`);
    assert.equal(good.severity, 'fail', 'imagePullPolicy Never and no node holds the image');
    assert.match(good.message, /localhost\/toe-base:never-pulled is on no node/);

    for (const f of findings.filter((x) => x.check === 'access')) assert.equal(f.severity, 'ok', `${f.subject}: ${f.message}`);
  });

  it('turns those findings ok once the namespace is fixed', async () => {
    await nsLabels({ 'toe.dev/allow-powertools': 'true', 'pod-security.kubernetes.io/enforce': 'baseline' });
    const findings = await checks();
    assert.equal(about(findings, 'namespace', `namespace ${NS}`).severity, 'ok');
    assert.equal(about(findings, 'pod-security', `tool ${GOOD} in ${NS}`).severity, 'ok');
  });

  it('fails admission that the API server cannot reach, through the real webhook call of a dry run', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    // Scoped to this suite's namespace, so no other suite's PowerTool meets it.
    await clients.kc.makeApiClient(AdmissionregistrationV1Api).createValidatingWebhookConfiguration({
      body: {
        metadata: { name: WEBHOOK_CONFIG },
        webhooks: [
          {
            name: VALIDATING_WEBHOOK_NAME,
            clientConfig: { url: `https://127.0.0.1:${closed}/validate` },
            rules: [{ apiGroups: [GROUP], apiVersions: [VERSION], operations: ['CREATE', 'UPDATE'], resources: ['powertools'] }],
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } },
            failurePolicy: 'Fail',
            sideEffects: 'None',
            admissionReviewVersions: ['v1'],
            timeoutSeconds: 2,
          },
        ],
      },
    });
    // The API server learns of webhook configurations through an informer.
    const admission = await waitFor('the webhook in effect', async () => {
      const f = about(await checks(), 'admission', `webhook ${VALIDATING_WEBHOOK_NAME}`);
      return f.severity === 'fail' ? f : undefined;
    });
    assert.match(admission.message, /cannot reach it.*failed calling webhook/);
    assert.match(admission.fix ?? '', /kubectl delete validatingwebhookconfiguration/);
    assert.equal((await clients.resources.powerTools.list(NS)).items.length, 0, 'the dry run stored nothing');
  });

  it('fails what a user without rights may not do, and says which checks it could not make', async () => {
    await clients.core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'nobody' } } }).catch(ignoreExists);
    const token = await clients.core.createNamespacedServiceAccountToken({
      name: 'nobody',
      namespace: NS,
      body: { spec: { expirationSeconds: 600 } },
    });
    const kc = new KubeConfig();
    const cluster = clients.kc.getCurrentCluster();
    assert.ok(cluster && token.status?.token);
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'nobody', token: token.status.token }],
      contexts: [{ name: 'nobody', cluster: cluster.name, user: 'nobody' }],
      currentContext: 'nobody',
    });
    const findings = await checks(makeClients(kc));
    const crds = about(findings, 'crds', 'toe.dev CRDs');
    assert.equal(crds.severity, 'warn');
    assert.match(crds.message, /could not check: .*forbidden/i);
    const create = about(findings, 'access', `create powertools.${GROUP} in ${NS}`);
    assert.equal(create.severity, 'fail');
    assert.match(create.fix ?? '', /bind a Role granting create on powertools/);
  });

  it('fails when no operator leads, and exits 1 from the command line with the findings as JSON', async () => {
    await manager?.stop();
    manager = undefined;
    const operator = about(await checks(), 'operator', `Lease ${OPERATOR_NS}/${LEASE}`);
    assert.equal(operator.severity, 'fail');
    assert.match(operator.message, /no operator holds the leader Lease/);

    let out = '';
    const streams = { out: { write: (s: string) => ((out += s), true) }, err: { write: () => true } } as never;
    const code = await check(['-n', NS, '--lease-name', LEASE, '-o', 'json'], streams);
    assert.equal(code, 1);
    const parsed = JSON.parse(out) as { namespace: string; findings: Finding[] };
    assert.equal(parsed.namespace, NS);
    assert.ok(parsed.findings.some((f) => f.check === 'operator' && f.severity === 'fail'));
  });

  it('fails a missing CRD with the command that installs it', async () => {
    const api = clients.kc.makeApiClient(ApiextensionsV1Api);
    const name = `emergencystops.${GROUP}`;
    await api.deleteCustomResourceDefinition({ name });
    await waitFor(`CRD ${name} gone`, async () =>
      api.readCustomResourceDefinition({ name }).then(
        () => false,
        () => true,
      ),
    );
    const f = about(await checks(), 'crds', name);
    assert.equal(f.severity, 'fail');
    assert.match(f.fix ?? '', /kubectl apply --server-side -f crds\//);
    await installCrds(clients);
    assert.equal(about(await checks(), 'crds', name).severity, 'ok');
  });
});
