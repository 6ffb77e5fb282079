import type { Command } from './command.ts';

// Placeholder until the command lands; it fails loudly rather than pretending to work.
export const collector: Command = async () => {
  throw new Error('toe collector is not available yet');
};
