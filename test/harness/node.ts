// Placeholder: replaced by the cluster work (a real single-node cluster, or the cluster KUBECONFIG points to).
export async function startNode(): Promise<{ kubeconfigPath: string; stop: () => Promise<void> }> {
  throw new Error('the node harness is not available yet');
}
