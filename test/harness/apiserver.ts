// Placeholder: replaced by the cluster work (a real etcd + kube-apiserver, or the cluster KUBECONFIG points to).
export async function startApiserver(): Promise<{ kubeconfigPath: string; stop: () => Promise<void> }> {
  throw new Error('the apiserver harness is not available yet');
}
