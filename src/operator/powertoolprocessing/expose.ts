/**
 * How people reach a PowerToolProcessing's reports: a Service and, when asked, an Ingress in the processing's
 * namespace, both owned by it (ownerReferences), so they go when it goes. Pure rendering; publish.ts applies.
 *
 * Why a Service without a selector plus an EndpointSlice we write: the reports are served by the operator itself
 * (the leader, which builds them, on --reports-bind; see server.ts), and a Service can only select pods of its own
 * namespace, while the operator runs in toe-system — or on a host, as in the tests. So the Service has no selector
 * and its one endpoint is the leader's address (its pod IP in a cluster, the node address for a host-run
 * operator). A new leader reconciles every processing and moves the endpoint to itself. An Ingress controller and
 * kube-proxy both follow EndpointSlices, so the Ingress and the ClusterIP work the same way in both cases.
 */
import { createHash } from 'node:crypto';
import { reportPath } from '../../../processing/pipeline/write.ts';
import { API_VERSION, type PowerToolProcessingSpec } from '../../api/index.ts';

export interface ProcessingRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface ServeSettings {
  /** The address the reports server is reached at (the leader's pod IP, or the node address); none: not served. */
  address?: string;
  port: number;
  /** Report URLs start with this when there is no Ingress (e.g. a port-forward or an external proxy). */
  urlBase?: string;
}

export const SERVICE_PORT = 80;
export const PORT_NAME = 'http';
// A label value: no slash allowed, so the controller's name in DNS order.
export const MANAGED_BY = 'operator.toe.dev';

type Ingress = NonNullable<NonNullable<PowerToolProcessingSpec['report']['expose']>['ingress']>;

const hash = (text: string, n: number): string => createHash('sha256').update(text).digest('hex').slice(0, n);

/** A DNS-1035 label (Service names must be): `toe-reports-<name>`, cut and hashed when the name is long or dotted. */
export function serviceName(processing: string): string {
  const plain = `toe-reports-${processing}`;
  if (plain.length <= 63 && !processing.includes('.')) return plain;
  const stem = processing
    .replace(/\./g, '-')
    .slice(0, 63 - 'toe-reports-'.length - 9)
    .replace(/-+$/, '');
  return `toe-reports-${stem}-${hash(processing, 8)}`;
}

/** Label values stop at 63 characters. */
function labelValue(text: string): string {
  return text.length <= 63 ? text : `${text.slice(0, 54).replace(/[.-]+$/, '')}-${hash(text, 8)}`;
}

function meta(ref: ProcessingRef, name: string, extra: Record<string, string> = {}) {
  const labels: Record<string, string> = {
    'app.kubernetes.io/managed-by': 'toe',
    'app.kubernetes.io/component': 'reports',
    'toe.dev/processing': labelValue(ref.name),
    ...extra,
  };
  return {
    name,
    namespace: ref.namespace,
    labels,
    ownerReferences: [{ apiVersion: API_VERSION, kind: 'PowerToolProcessing', name: ref.name, uid: ref.uid, controller: true }],
  };
}

export function renderService(ref: ProcessingRef, settings: ServeSettings) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(ref, serviceName(ref.name)),
    spec: { type: 'ClusterIP', ports: [{ name: PORT_NAME, port: SERVICE_PORT, targetPort: settings.port, protocol: 'TCP' }] },
  };
}

/** The one endpoint behind the Service: where the leader serves reports. */
export function renderEndpointSlice(ref: ProcessingRef, settings: ServeSettings & { address: string }) {
  const service = serviceName(ref.name);
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    // The managed-by label keeps the cluster's EndpointSlice controllers off it; service-name ties it to the Service.
    metadata: meta(ref, service, { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY }),
    addressType: settings.address.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [settings.address], conditions: { ready: true } }],
    ports: [{ name: PORT_NAME, port: settings.port, protocol: 'TCP' }],
  };
}

/** The path prefix as an Ingress Prefix path: no trailing slash except for the root. */
export function ingressPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

export function renderIngress(ref: ProcessingRef, ingress: Ingress) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(ref, serviceName(ref.name)),
    spec: {
      ...(ingress.className ? { ingressClassName: ingress.className } : {}),
      ...(ingress.tlsSecretName ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] } : {}),
      rules: [
        {
          host: ingress.host,
          http: {
            paths: [
              {
                path: ingressPath(ingress.path),
                pathType: 'Prefix',
                backend: { service: { name: serviceName(ref.name), port: { name: PORT_NAME } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** A report's URL: through the Ingress when there is one, else under --reports-url-base, else the Service's DNS name. */
export function reportUrl(ref: ProcessingRef, spec: PowerToolProcessingSpec, settings: ServeSettings, id: string): string | undefined {
  const path = reportPath(ref.namespace, ref.name, id);
  const ingress = spec.report.expose?.ingress;
  if (ingress) {
    const prefix = ingressPath(ingress.path).replace(/\/$/, '');
    return `${ingress.tlsSecretName ? 'https' : 'http'}://${ingress.host}${prefix}/${path}`;
  }
  if (settings.urlBase) return `${settings.urlBase.replace(/\/+$/, '')}/${path}`;
  if (!settings.address) return undefined;
  return `http://${serviceName(ref.name)}.${ref.namespace}.svc/${path}`;
}
