import type { Command } from './command.ts';

// Placeholder until the command lands; it fails loudly rather than pretending to work.
export const tutorial: Command = async () => {
  throw new Error('toe tutorial is not available yet');
};
