import type { Command } from './command.ts';

// Placeholder until the command lands; it fails loudly rather than pretending to work.
export const cluster: Command = async () => {
  throw new Error('toe cluster is not available yet');
};
