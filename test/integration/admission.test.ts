/**
 * PowerTool admission against a real kube-apiserver: the API server itself calls the webhooks over HTTPS with the
 * caBundle admission registered, and the operator side runs under the chart's least-privilege rules (its own
 * ServiceAccount), not as admin. The webhook configurations are removed at the end: with failurePolicy Fail,
 * left behind and pointing at a closed port, they would refuse every PowerTool of later suites.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import {
  AdmissionregistrationV1Api,
  ApiException,
  type V1MutatingWebhookConfiguration,
  type V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import {
  GROUP,
  REQUESTED_BY_ANNOTATION,
  VERSION,
  powerToolConfigSpec,
  powerToolSpec,
  type PowerTool,
  type PowerToolConfig,
} from '../../src/api/index.ts';
import { perfConfigInput } from '../../src/allowlist/testdata/perf.ts';
import { makeClients } from '../../src/kube/client.ts';
import { watchedCache } from '../../src/kube/informer.ts';
import { mergePatch } from '../../src/kube/patch.ts';
import { startAdmission, type Admission } from '../../src/operator/admission/index.ts';
import {
  MUTATING_WEBHOOK_NAME,
  VALIDATING_WEBHOOK_NAME,
  WEBHOOK_CONFIGURATION_NAME,
  mutatingConfiguration,
  validatingConfiguration,
} from '../../src/operator/admission/register.ts';
import { generateWebhookTls, hostsOf } from '../../src/operator/admission/certs.ts';
import { TLS_SECRET_NAME, loadOrCreateTls } from '../../src/operator/admission/tls-secret.ts';
import { admitPowerTool } from '../../src/policy/admit.ts';
import { createMetrics } from '../../src/telemetry/metrics.ts';
import { logger } from '../../src/telemetry/log.ts';
import { ensureNamespace, installCrds, operatorKubeConfig, testClients } from './kube.ts';
import { waitFor } from '../../src/kube/wait.ts';

const clients = testClients();
const webhooks = clients.kc.makeApiClient(AdmissionregistrationV1Api);
const OPERATOR_NS = 'toe-system';
const NS = `admission-it-${Date.now().toString(36)}`;
const group = GROUP;
const version = VERSION;

/**
 * The allowlist of samples/configs/perf.yaml (the allowlist's own perf-like test config if the samples lack it),
 * under a name of this suite's own: toe-system is shared, and a suite must not replace or delete the real `perf`.
 */
function perfConfigObject(): PowerToolConfig {
  const sample = new URL('../../samples/configs/perf.yaml', import.meta.url).pathname;
  const spec = existsSync(sample) ? (parse(readFileSync(sample, 'utf8')) as PowerToolConfig).spec : perfConfigInput;
  const name = 'admission-it-perf';
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'PowerToolConfig',
    metadata: { name, namespace: OPERATOR_NS },
    spec: { ...spec, tool: { ...spec.tool, name } },
  } as unknown as PowerToolConfig;
}
const config = perfConfigObject();
const configSpec = powerToolConfigSpec.parse(config.spec);
const TOOL = configSpec.tool.name;

const specWith = (args: string[], tool = TOOL) => ({
  targets: { selector: { matchLabels: { app: 'web' } } },
  tool: { name: tool, args, duration: '30s' },
  dryRun: true,
});
const HOSTILE = ['-o/etc/shadow', '--freq=$(id)'];
const VALID = admitPowerTool(powerToolSpec.parse(specWith(['--freq=49'])), configSpec).ok ? ['--freq=49'] : [];

function createPt(name: string, spec: unknown, annotations?: Record<string, string>, dryRun?: 'All'): Promise<PowerTool> {
  return clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace: NS,
    plural: 'powertools',
    dryRun,
    body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'PowerTool', metadata: { name, ...(annotations ? { annotations } : {}) }, spec },
  }) as Promise<PowerTool>;
}

const getPt = (name: string) =>
  clients.custom.getNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertools', name }) as Promise<PowerTool>;

/** The API server's refusal: its Status body, or a failed assertion when the call succeeded. */
async function refusal(call: Promise<unknown>): Promise<{
  code: number;
  message: string;
  reason?: string;
  details?: { kind?: string; name?: string; causes?: { field: string; message: string }[] };
}> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const body = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as { message: string; reason?: string; details?: never };
    return { code: err.code, ...body };
  }
  return assert.fail('the API server accepted what admission should refuse');
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function removeWebhooks(): Promise<void> {
  await webhooks.deleteValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME }).catch(() => undefined);
  await webhooks.deleteMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME }).catch(() => undefined);
}

type Registered = { validating?: V1ValidatingWebhookConfiguration; mutating?: V1MutatingWebhookConfiguration };

/** What an operator running in the shared cluster registered, so the suite can put it back when it is done. */
async function savedWebhooks(): Promise<Registered> {
  const name = WEBHOOK_CONFIGURATION_NAME;
  return {
    validating: await webhooks.readValidatingWebhookConfiguration({ name }).catch(() => undefined),
    mutating: await webhooks.readMutatingWebhookConfiguration({ name }).catch(() => undefined),
  };
}

async function restoreWebhooks(saved: Registered): Promise<void> {
  await removeWebhooks();
  const fresh = <T extends { metadata?: object }>(o: T): T => ({
    ...o,
    metadata: { name: WEBHOOK_CONFIGURATION_NAME, labels: (o.metadata as { labels?: object }).labels },
  });
  if (saved.validating) await webhooks.createValidatingWebhookConfiguration({ body: fresh(saved.validating) });
  if (saved.mutating) await webhooks.createMutatingWebhookConfiguration({ body: fresh(saved.mutating) });
}

describe('PowerTool admission against a real API server', () => {
  const metrics = createMetrics();
  const log = logger('operator.admission', { test: 'integration' });
  let admission: Admission | undefined;
  let replica: Admission | undefined;
  let configs: ReturnType<typeof watchedCache<PowerToolConfig & { metadata: { name: string } }>> | undefined;
  let operator: ReturnType<typeof makeClients>;
  let port = 0;
  let username = '';

  let saved: Registered = {};

  before(async () => {
    saved = await savedWebhooks();
    await installCrds(clients);
    await ensureNamespace(clients, OPERATOR_NS);
    await ensureNamespace(clients, NS);
    await clients.custom
      .deleteNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name: config.metadata.name })
      .catch(() => undefined);
    await clients.custom.createNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', body: config });
    const self = await clients.authn.createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    username = self.status?.userInfo?.username ?? assert.fail('SelfSubjectReview returned no user');

    operator = makeClients(await operatorKubeConfig(clients, OPERATOR_NS));
    const path = `/apis/${group}/${version}/namespaces/${OPERATOR_NS}/powertoolconfigs`;
    configs = watchedCache(
      operator.kc,
      path,
      () => operator.custom.listNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs' }) as never,
      log,
    );
    await configs.start();
    await waitFor('the config in the cache', async () => configs?.list(OPERATOR_NS).some((c) => c.spec.tool.name === TOOL));

    port = await freePort();
    admission = await startAdmission({
      clients: operator,
      configs,
      metrics,
      log,
      operatorNamespace: OPERATOR_NS,
      listen: { host: '127.0.0.1', port },
      clientConfig: { url: `https://127.0.0.1:${port}` },
    });
    // The API server picks up new webhook configurations through an informer: wait until a server-side dry run
    // of a hostile PowerTool is refused by this webhook (counted in its metrics; an operator of the shared
    // cluster may have served the same webhook name until now).
    await waitFor('the webhooks in effect', async () => {
      await refusal(createPt('probe', specWith(HOSTILE), undefined, 'All')).catch(() => undefined);
      return (await metrics.admissionTotal.get()).values.some((v) => v.labels.kind === 'validating' && v.labels.verdict === 'denied');
    });
  });

  after(async () => {
    await replica?.stop();
    await admission?.stop();
    await restoreWebhooks(saved);
    await configs?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    // The Secret toe-webhook-tls stays: an operator of the shared cluster may be serving it.
    await clients.custom
      .deleteNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name: config.metadata.name })
      .catch(() => undefined);
  });

  it("refuses hostile args at create with the allowlist's message in the API error", async () => {
    const refused = await refusal(createPt('hostile', specWith(HOSTILE)));
    const expected = admitPowerTool(powerToolSpec.parse(specWith(HOSTILE)), configSpec);
    assert.equal(expected.ok, false);
    const errors = expected.ok ? [] : expected.errors;
    assert.equal(refused.code, 422);
    assert.equal(refused.reason, 'Invalid');
    assert.equal(
      refused.message,
      `admission webhook "${VALIDATING_WEBHOOK_NAME}" denied the request: PowerTool "hostile" is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
    assert.match(refused.message, /spec\.tool\.args\[0\]: "-o\/etc\/shadow"/);
    assert.match(refused.message, /spec\.tool\.args\[1\]: "--freq=\$\(id\)"/);
    // kubectl prints `The PowerTool "hostile" is invalid:` and one `* field: message` line per cause from these.
    assert.deepEqual({ kind: refused.details?.kind, name: refused.details?.name }, { kind: 'PowerTool', name: 'hostile' });
    assert.deepEqual(
      refused.details?.causes?.map((c) => c.field),
      errors.map((e) => e.path),
    );
    await assert.rejects(getPt('hostile'), (err: ApiException<unknown>) => err.code === 404);
  });

  it('refuses an unknown tool, naming the tools it knows', async () => {
    const refused = await refusal(createPt('unknown', specWith([], 'no-such-tool')));
    assert.match(
      refused.message,
      /spec\.tool\.name: Not found: "no-such-tool": no PowerToolConfig in namespace toe-system defines this tool; known tools: .*/,
    );
    assert.ok(refused.message.includes(TOOL), refused.message);
  });

  it('admits a valid PowerTool and records who asked', async () => {
    await createPt('valid', specWith(VALID));
    const pt = await getPt('valid');
    const requester = JSON.parse(pt.metadata.annotations?.[REQUESTED_BY_ANNOTATION] ?? '{}') as { username?: string; groups?: string[] };
    assert.equal(requester.username, username);
    assert.ok(requester.groups?.includes('system:authenticated'), JSON.stringify(requester));
  });

  it('overwrites a requested-by annotation sent at create, and restores it when an update changes it', async () => {
    const forged = JSON.stringify({ username: 'system:admin', groups: ['system:masters'] });
    await createPt('forged', specWith(VALID), { [REQUESTED_BY_ANNOTATION]: forged, team: 'shop' });
    const pt = await getPt('forged');
    const recorded = pt.metadata.annotations?.[REQUESTED_BY_ANNOTATION] ?? '';
    assert.notEqual(recorded, forged);
    assert.equal((JSON.parse(recorded) as { username: string }).username, username);
    assert.equal(pt.metadata.annotations?.team, 'shop');

    await clients.custom.patchNamespacedCustomObject(
      {
        group,
        version,
        namespace: NS,
        plural: 'powertools',
        name: 'forged',
        body: { metadata: { annotations: { [REQUESTED_BY_ANNOTATION]: forged } } },
      },
      mergePatch(),
    );
    assert.equal((await getPt('forged')).metadata.annotations?.[REQUESTED_BY_ANNOTATION], recorded);
  });

  it('refuses spec changes once the run has started, but lets suspend through', async () => {
    await createPt('started', specWith(VALID));
    await clients.custom.patchNamespacedCustomObjectStatus(
      {
        group,
        version,
        namespace: NS,
        plural: 'powertools',
        name: 'started',
        body: {
          status: {
            phase: 'Running',
            targets: [{ pod: 'web-1', container: 'app', ephemeralContainer: `toe-${TOOL}-0a1b2c3d`, phase: 'Running' }],
          },
        },
      },
      mergePatch(),
    );
    const patch = (spec: Record<string, unknown>) =>
      clients.custom.patchNamespacedCustomObject(
        { group, version, namespace: NS, plural: 'powertools', name: 'started', body: { spec } },
        mergePatch(),
      );
    const refused = await refusal(patch({ tool: { name: TOOL, args: [], duration: '45s' } }));
    assert.match(
      refused.message,
      /PowerTool "started" is invalid: spec: Forbidden: the run has started on 1 target; only spec\.suspend and spec\.ttlSecondsAfterFinished may change \(changed: spec\.tool\./,
    );
    await patch({ suspend: true });
    assert.equal((await getPt('started')).spec.suspend, true);
  });

  it('lets a second replica serve the same CA from the shared Secret', async () => {
    const before = await clients.core.readNamespacedSecret({ name: TLS_SECRET_NAME, namespace: OPERATOR_NS });
    const port2 = await freePort();
    // Registers the first replica's URL again, so the API server's traffic is unchanged.
    replica = await startAdmission({
      clients: operator,
      configs: configs as never,
      metrics,
      log,
      operatorNamespace: OPERATOR_NS,
      listen: { host: '127.0.0.1', port: port2 },
      clientConfig: { url: `https://127.0.0.1:${port}` },
    });
    const after = await clients.core.readNamespacedSecret({ name: TLS_SECRET_NAME, namespace: OPERATOR_NS });
    assert.equal(
      after.metadata?.resourceVersion,
      before.metadata?.resourceVersion,
      'the second replica reads the Secret, it does not rewrite it',
    );

    const registered = await webhooks.readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME });
    const caBundle = Buffer.from(registered.webhooks?.[0]?.clientConfig.caBundle ?? '', 'base64').toString();
    for (const p of [port, port2]) {
      const socket = connect({ host: '127.0.0.1', port: p, ca: caBundle });
      await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
      assert.equal(socket.authorized, true, `replica on port ${p} serves a certificate the registered caBundle trusts`);
      assert.ok(new X509Certificate(socket.getPeerX509Certificate()?.raw ?? Buffer.alloc(0)).checkIP('127.0.0.1'));
      socket.destroy();
    }
  });

  it('registered both webhooks as specified and counted the reviews', async () => {
    const validating = await webhooks.readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME });
    const mutating = await webhooks.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME });
    assert.equal(validating.webhooks?.[0]?.name, VALIDATING_WEBHOOK_NAME);
    assert.equal(validating.webhooks?.[0]?.clientConfig.url, `https://127.0.0.1:${port}/validate`);
    assert.equal(mutating.webhooks?.[0]?.name, MUTATING_WEBHOOK_NAME);
    assert.equal(mutating.webhooks?.[0]?.clientConfig.url, `https://127.0.0.1:${port}/mutate`);
    const values = (await metrics.admissionTotal.get()).values;
    const count = (kind: string, verdict: string) => values.find((v) => v.labels.kind === kind && v.labels.verdict === verdict)?.value ?? 0;
    assert.ok(count('validating', 'denied') >= 3, JSON.stringify(values));
    assert.ok(count('mutating', 'patched') >= 3, JSON.stringify(values));
  });
});

/**
 * The shared Secret's life cycle, in a namespace of its own. Run with the test's admin client: renewing needs
 * `update` on the Secret, which the operator's Role does not grant yet (reported to the RBAC owner).
 */
describe('the shared webhook TLS Secret', () => {
  const SECRET_NS = `${NS}-tls`;
  const log = logger('operator.admission', { test: 'integration' });
  const DAY = 24 * 3600 * 1000;
  const svc = hostsOf(['toe-operator.toe-system.svc', '127.0.0.1']);
  const readStored = async () => (await clients.core.readNamespacedSecret({ name: TLS_SECRET_NAME, namespace: SECRET_NS })).data ?? {};
  const pem = (data: Record<string, string>, key: string) => Buffer.from(data[key] ?? '', 'base64').toString();
  const store = async (tls: Awaited<ReturnType<typeof generateWebhookTls>>) => {
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const data = {
      'tls.crt': b64(tls.serving.cert),
      'tls.key': b64(tls.serving.key),
      'ca.crt': b64(tls.ca.cert),
      'ca.key': b64(tls.ca.key),
    };
    // Replaced in place, never deleted first: a running admission must not see the Secret missing and make its own.
    const current = await clients.core.readNamespacedSecret({ name: TLS_SECRET_NAME, namespace: SECRET_NS }).catch(() => undefined);
    const body = {
      metadata: { name: TLS_SECRET_NAME, resourceVersion: current?.metadata?.resourceVersion },
      type: 'kubernetes.io/tls',
      data,
    };
    if (current) await clients.core.replaceNamespacedSecret({ name: TLS_SECRET_NAME, namespace: SECRET_NS, body });
    else await clients.core.createNamespacedSecret({ namespace: SECRET_NS, body });
  };

  before(async () => ensureNamespace(clients, SECRET_NS));
  after(async () => void (await clients.core.deleteNamespace({ name: SECRET_NS }).catch(() => undefined)));

  it('is created once when two replicas start together; both serve what it holds', async () => {
    const [a, b] = await Promise.all([
      loadOrCreateTls(clients.core, SECRET_NS, svc, log),
      loadOrCreateTls(clients.core, SECRET_NS, svc, log),
    ]);
    assert.equal(a.tls.ca.cert, b.tls.ca.cert);
    assert.equal(a.tls.serving.cert, b.tls.serving.cert);
    assert.equal(a.caBundle, b.caBundle);
    assert.equal(pem(await readStored(), 'ca.crt'), a.tls.ca.cert);
  });

  it('re-issues only the serving certificate when a replica needs a name it lacks, keeping the CA and its names', async () => {
    const old = await generateWebhookTls(hostsOf(['127.0.0.1']));
    await store(old);
    const next = await loadOrCreateTls(clients.core, SECRET_NS, hostsOf(['toe-operator.toe-system.svc']), log);
    assert.equal(next.tls.ca.cert, old.ca.cert);
    assert.equal(next.caBundle, old.ca.cert);
    const serving = new X509Certificate(next.tls.serving.cert);
    assert.equal(serving.subjectAltName, 'DNS:toe-operator.toe-system.svc, IP Address:127.0.0.1');
    assert.equal(serving.verify(new X509Certificate(old.ca.cert).publicKey), true);
    assert.equal(pem(await readStored(), 'tls.crt'), next.tls.serving.cert);
  });

  it('renews the CA a month before it expires and keeps trusting the previous one in the bundle', async () => {
    const old = await generateWebhookTls(svc, new Date(Date.now() - 340 * DAY));
    await store(old);
    const next = await loadOrCreateTls(clients.core, SECRET_NS, svc, log);
    assert.notEqual(next.tls.ca.cert, old.ca.cert);
    assert.equal(next.caBundle, `${next.tls.ca.cert.trimEnd()}\n${old.ca.cert.trimEnd()}\n`);
    const stored = await readStored();
    assert.equal(pem(stored, 'ca-previous.crt'), old.ca.cert);
    assert.ok(Date.parse(new X509Certificate(pem(stored, 'tls.crt')).validTo) > Date.now() + 300 * DAY);
  });

  it('a running admission renews on refresh: registers the new bundle, then serves the new certificate', async () => {
    await clients.core.deleteNamespacedSecret({ name: TLS_SECRET_NAME, namespace: SECRET_NS }).catch(() => undefined);
    const port = await freePort();
    const saved = await savedWebhooks();
    const noConfigs = { get: () => undefined, list: () => [] };
    const running = await startAdmission({
      clients,
      configs: noConfigs,
      metrics: createMetrics(),
      log,
      operatorNamespace: SECRET_NS,
      listen: { host: '127.0.0.1', port },
      clientConfig: { url: `https://127.0.0.1:${port}` },
      refreshMs: 500,
    });
    try {
      const nearExpiry = await generateWebhookTls(hostsOf(['127.0.0.1']), new Date(Date.now() - 340 * DAY));
      await store(nearExpiry);
      const renewed = await waitFor('the CA renewed in the Secret', async () => {
        const data = await readStored();
        return pem(data, 'ca-previous.crt') === nearExpiry.ca.cert ? pem(data, 'ca.crt') : undefined;
      });
      const registered = await waitFor('the new bundle registered', async () => {
        const v = await webhooks.readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME });
        const bundle = Buffer.from(v.webhooks?.[0]?.clientConfig.caBundle ?? '', 'base64').toString();
        return bundle.includes(renewed.trim()) ? bundle : undefined;
      });
      assert.ok(registered.includes(nearExpiry.ca.cert.trim()), 'the previous CA stays trusted');
      await waitFor(
        'the new certificate served',
        async () => {
          const socket = connect({ host: '127.0.0.1', port, ca: renewed });
          const ok = await new Promise<boolean>((resolve) =>
            socket.once('secureConnect', () => resolve(socket.authorized)).once('error', () => resolve(false)),
          );
          socket.destroy();
          return ok;
        },
        { timeoutMs: 15_000 },
      );
      // The API server still reaches the webhook over TLS: the refusal comes from it, not from a TLS failure.
      await waitFor('the API server reaching the renewed webhook', async () => {
        const refused = await refusal(
          clients.custom.createNamespacedCustomObject({
            group,
            version,
            namespace: SECRET_NS,
            plural: 'powertools',
            dryRun: 'All',
            body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'PowerTool', metadata: { name: 'probe' }, spec: specWith([]) },
          }),
        );
        return refused.message.startsWith(
          `admission webhook "${VALIDATING_WEBHOOK_NAME}" denied the request: PowerTool "probe" is invalid: spec.tool.name: Not found`,
        );
      });
    } finally {
      await running.stop();
      await restoreWebhooks(saved);
    }
    // A stopped admission registers nothing again (a leftover with failurePolicy Fail would block every PowerTool).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const now = await savedWebhooks();
    for (const hook of [now.validating?.webhooks?.[0], now.mutating?.webhooks?.[0]]) {
      assert.ok(!hook?.clientConfig.url?.startsWith(`https://127.0.0.1:${port}/`), `still registered: ${hook?.clientConfig.url}`);
    }
  });
});

/**
 * A host-run operator (`toe operator --webhook-url`) that stops takes its registration with it, and one that
 * starts repairs a registration left pointing at a dead URL. The registrations this suite plants itself carry a
 * namespaceSelector for its own namespace, so while they exist they refuse writes there only, never in suites
 * running beside it.
 */
describe("a host-run operator's webhook registration", () => {
  const REG_NS = `${NS}-reg`;
  const log = logger('operator.admission', { test: 'integration' });
  const noConfigs = { get: () => undefined, list: () => [] };
  let operator: ReturnType<typeof makeClients>;
  let saved: Registered = {};

  const write = (name: string) =>
    clients.custom.createNamespacedCustomObject({
      group,
      version,
      namespace: REG_NS,
      plural: 'powertools',
      dryRun: 'All',
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'PowerTool', metadata: { name }, spec: specWith([], 'no-such-tool') },
    });
  const deniedByLiveWebhook = async (name: string) =>
    (await refusal(write(name))).message.startsWith(`admission webhook "${VALIDATING_WEBHOOK_NAME}" denied the request`);
  const notFound = async (read: () => Promise<unknown>) =>
    read().then(
      () => false,
      (err: unknown) => err instanceof ApiException && err.code === 404,
    );

  /** What an operator that died (or a newer one elsewhere) left: both configurations pointing at `url`. */
  async function plant(url: string): Promise<void> {
    await removeWebhooks();
    const { caBundle } = await loadOrCreateTls(clients.core, OPERATOR_NS, hostsOf(['127.0.0.1']), log);
    const scope = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': REG_NS } } };
    const validating = validatingConfiguration({ url }, caBundle);
    const mutating = mutatingConfiguration({ url }, caBundle);
    await webhooks.createValidatingWebhookConfiguration({
      body: { ...validating, webhooks: validating.webhooks?.map((w) => ({ ...w, ...scope })) },
    });
    await webhooks.createMutatingWebhookConfiguration({
      body: { ...mutating, webhooks: mutating.webhooks?.map((w) => ({ ...w, ...scope })) },
    });
  }

  const start = (port: number) =>
    startAdmission({
      clients: operator,
      configs: noConfigs,
      metrics: createMetrics(),
      log,
      operatorNamespace: OPERATOR_NS,
      listen: { host: '127.0.0.1', port },
      clientConfig: { url: `https://127.0.0.1:${port}` },
    });

  before(async () => {
    saved = await savedWebhooks();
    await ensureNamespace(clients, OPERATOR_NS);
    await ensureNamespace(clients, REG_NS);
    // The operator's own ServiceAccount under the chart's rules: the delete on stop needs its RBAC grant.
    operator = makeClients(await operatorKubeConfig(clients, OPERATOR_NS));
  });

  after(async () => {
    await restoreWebhooks(saved);
    await clients.core.deleteNamespace({ name: REG_NS }).catch(() => undefined);
  });

  it('replaces a registration pointing at a dead URL at start, and removes its own at stop', async () => {
    const dead = `https://127.0.0.1:${await freePort()}`;
    await plant(dead);
    await waitFor('the dead registration in effect', async () => /connection refused/.test((await refusal(write('stale'))).message));

    const port = await freePort();
    const admission = await start(port);
    let stopped = false;
    try {
      const validating = await webhooks.readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME });
      const mutating = await webhooks.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME });
      assert.equal(validating.webhooks?.[0]?.clientConfig.url, `https://127.0.0.1:${port}/validate`);
      assert.equal(mutating.webhooks?.[0]?.clientConfig.url, `https://127.0.0.1:${port}/mutate`);
      await waitFor('the live webhook reviewing', () => deniedByLiveWebhook('live'));

      await admission.stop();
      stopped = true;
      assert.ok(await notFound(() => webhooks.readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME })));
      assert.ok(await notFound(() => webhooks.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME })));
      // The first write after stop: no webhook reviews it, so nothing refuses it.
      await write('after-stop');
    } finally {
      if (!stopped) await admission.stop();
    }
  });

  it('leaves a registration another operator made after it started', async () => {
    const port = await freePort();
    const admission = await start(port);
    const newer = `https://127.0.0.1:${await freePort()}`;
    try {
      await plant(newer);
    } finally {
      await admission.stop();
    }
    const validating = await webhooks.readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME });
    const mutating = await webhooks.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME });
    assert.equal(validating.webhooks?.[0]?.clientConfig.url, `${newer}/validate`);
    assert.equal(mutating.webhooks?.[0]?.clientConfig.url, `${newer}/mutate`);
  });
});
