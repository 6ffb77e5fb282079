import {
  AdmissionregistrationV1Api,
  AuthenticationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import { toeResources, type ToeResources } from './resources.ts';

/** KUBECONFIG (or ~/.kube/config) when set, else the in-cluster service account: as kubectl and client-go do. */
export function loadKubeConfig(path = process.env.KUBECONFIG): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path.split(':')[0] as string);
  else kc.loadFromDefault();
  return kc;
}

export interface Clients {
  kc: KubeConfig;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  /** The toe.dev kinds, typed; controllers use these rather than `custom` with group/version/plural strings. */
  resources: ToeResources;
  coordination: CoordinationV1Api;
  events: EventsV1Api;
  admission: AdmissionregistrationV1Api;
  authn: AuthenticationV1Api;
}

export function makeClients(kc: KubeConfig): Clients {
  const custom = kc.makeApiClient(CustomObjectsApi);
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    custom,
    resources: toeResources(custom),
    coordination: kc.makeApiClient(CoordinationV1Api),
    events: kc.makeApiClient(EventsV1Api),
    admission: kc.makeApiClient(AdmissionregistrationV1Api),
    authn: kc.makeApiClient(AuthenticationV1Api),
  };
}
