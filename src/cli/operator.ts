import type { Command } from './command.ts';

// Placeholder until the command lands; it fails loudly rather than pretending to work.
export const operator: Command = async () => {
  throw new Error('toe operator is not available yet');
};
