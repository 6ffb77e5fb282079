import {
  AdmissionregistrationV1Api,
  AuthenticationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
} from '@kubernetes/client-node';

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
  coordination: CoordinationV1Api;
  events: EventsV1Api;
  admission: AdmissionregistrationV1Api;
  authn: AuthenticationV1Api;
}

export function makeClients(kc: KubeConfig): Clients {
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    coordination: kc.makeApiClient(CoordinationV1Api),
    events: kc.makeApiClient(EventsV1Api),
    admission: kc.makeApiClient(AdmissionregistrationV1Api),
    authn: kc.makeApiClient(AuthenticationV1Api),
  };
}
