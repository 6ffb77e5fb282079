/**
 * Puts the rendered Service, EndpointSlice and Ingress (expose.ts) in place by server-side apply, and takes away
 * what the spec no longer asks for. Returns the ReportsServed condition: this is where it is observed.
 */
import { DiscoveryV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import type { PowerToolProcessingSpec } from '../../api/index.ts';
import { serverSideApply } from '../../kube/apply.ts';
import type { ConditionInput } from '../../kube/conditions.ts';
import { apiMessage, classify } from '../../kube/errors.ts';
import type { ProcessingContext } from './context.ts';
import { renderEndpointSlice, renderIngress, renderService, serviceName, type ProcessingRef } from './expose.ts';

const ignoreGone = (err: unknown): void => {
  if (classify(err) !== 'gone') throw err;
};

async function remove(ctx: ProcessingContext, ref: ProcessingRef, what: { ingress: boolean; service: boolean }): Promise<void> {
  const name = serviceName(ref.name);
  const namespace = ref.namespace;
  if (what.ingress) await ctx.clients.kc.makeApiClient(NetworkingV1Api).deleteNamespacedIngress({ name, namespace }).catch(ignoreGone);
  if (what.service) {
    await ctx.clients.kc.makeApiClient(DiscoveryV1Api).deleteNamespacedEndpointSlice({ name, namespace }).catch(ignoreGone);
    await ctx.clients.core.deleteNamespacedService({ name, namespace }).catch(ignoreGone);
  }
}

/**
 * `specChanged`: the spec moved since the status last described it. Only then are objects the spec stopped asking
 * for deleted, so a steady processing makes no DELETE calls at all.
 */
export async function publish(
  ctx: ProcessingContext,
  ref: ProcessingRef,
  spec: PowerToolProcessingSpec,
  specChanged: boolean,
): Promise<ConditionInput> {
  const ingress = spec.report.expose?.ingress;
  try {
    if (!spec.report.enabled) {
      if (specChanged) await remove(ctx, ref, { ingress: true, service: true });
      return {
        type: 'ReportsServed',
        status: 'False',
        reason: 'Disabled',
        message: 'spec.report.enabled is false: no HTML reports; findings and analysis are in the status only.',
      };
    }
    const address = ctx.serve.address;
    if (!address) {
      if (specChanged) await remove(ctx, ref, { ingress: true, service: true });
      return ctx.serve.urlBase
        ? {
            type: 'ReportsServed',
            status: 'True',
            reason: 'UrlBase',
            message: `reports are served under ${ctx.serve.urlBase} (--reports-url-base); no Service is made without --reports-address`,
          }
        : {
            type: 'ReportsServed',
            status: 'False',
            reason: 'NotServed',
            message:
              'the operator writes reports but serves none: start it with --reports-bind (and --reports-address when it runs outside a pod)',
          };
    }
    await serverSideApply(ctx.clients.kc, renderService(ref, ctx.serve), 'services');
    await serverSideApply(ctx.clients.kc, renderEndpointSlice(ref, { ...ctx.serve, address }), 'endpointslices');
    if (ingress) await serverSideApply(ctx.clients.kc, renderIngress(ref, ingress), 'ingresses');
    else if (specChanged) await remove(ctx, ref, { ingress: true, service: false });
    const where = ingress ? `Ingress ${serviceName(ref.name)} (${ingress.host}${ingress.path})` : `Service ${serviceName(ref.name)}`;
    return {
      type: 'ReportsServed',
      status: 'True',
      reason: 'Exposed',
      message: `reports are served through ${where} by the operator at ${address}:${ctx.serve.port}`,
    };
  } catch (err) {
    return {
      type: 'ReportsServed',
      status: 'False',
      reason: 'ExposeFailed',
      message: `the Service or Ingress could not be applied: ${apiMessage(err)}`,
    };
  }
}
