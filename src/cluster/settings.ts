/**
 * The fixed facts of a TOE cluster: versions it builds and the addresses it uses. One place, so the certificates,
 * the CNI config, kube-proxy and CoreDNS can never disagree.
 */

/** Kubernetes 1.32–1.35 still fall back to the kubelet's own cgroupDriver with Debian's containerd 1.6 (see platform notes). */
export const KUBERNETES_VERSION = 'v1.34.4';
/** The CoreDNS version kubeadm pins for Kubernetes 1.34 (cmd/kubeadm/app/constants). */
export const COREDNS_VERSION = 'v1.12.1';
/**
 * The Ingress controller: Traefik, built from its Go module (a single static binary, no data plane to install).
 * v3.7 cannot be built as a dependency: it replaces a module it needs with a folder of its own repository that its
 * published module leaves out; v3.6.12 is the newest release without that.
 */
export const TRAEFIK_VERSION = 'v3.6.12';
/**
 * Helm, for the chart's end-to-end suite only (never part of a cluster): built from its Go module like Traefik,
 * pinned in src/cluster/go/helm/go.mod, which must name the same version.
 */
export const HELM_VERSION = 'v4.3.2';
/**
 * Prometheus, for the prometheus steady-state probe's tests (never part of a cluster): built from its Go module,
 * pinned in src/cluster/go/prometheus/go.mod (module v0.316.0 is release 3.16.0), with promtool beside it.
 */
export const PROMETHEUS_VERSION = '3.16.0';
/** The IngressClass `up` creates, marked default, handled by the Traefik it runs. */
export const INGRESS_CLASS = 'toe';

export const PAUSE_IMAGE = 'localhost/pause:3.10';
export const BASE_IMAGE = 'localhost/toe-base:1';
export const COREDNS_IMAGE = `localhost/coredns:${COREDNS_VERSION}`;

export const NODE_NAME = 'toe-node';

/**
 * Pods get a private /16 behind our own bridge and no default route: they reach each other, the node and Services,
 * nothing else. The node's address on that bridge is also where the API server listens, so pods reach it through
 * the `kubernetes` Service without the API server listening on the machine's public interface.
 */
export const network = {
  bridge: 'toe0',
  nodeIp: '10.244.0.1',
  podCidr: '10.244.0.0/16',
  podRangeStart: '10.244.1.1',
  serviceCidr: '10.96.0.0/16',
  apiServiceIp: '10.96.0.1',
  dnsServiceIp: '10.96.0.10',
  clusterDomain: 'cluster.local',
} as const;

export const ports = {
  apiserver: 6443,
  etcdClient: 2379,
  etcdPeer: 2380,
  kubelet: 10250,
  /** The Ingress controller listens on the node address (reachable from the machine and from pods). */
  ingressHttp: 80,
  ingressHttps: 443,
  /** Its health endpoint (/ping), on loopback only; the number ingress-nginx uses for the same purpose. */
  ingressPing: 10254,
} as const;

export const apiserverUrl = `https://${network.nodeIp}:${ports.apiserver}`;
export const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;

/** The Debian packages a node needs; `up` installs the missing ones. */
export const DEBIAN_PACKAGES = [
  'containerd',
  'runc',
  'containernetworking-plugins',
  'etcd-server',
  'umoci',
  'busybox-static',
  'iptables',
  'conntrack',
  'iproute2',
  'openssl',
  'ethtool',
  'socat',
  'debootstrap',
] as const;
