import type { Command } from './command.ts';

// Placeholder until the command lands; it fails loudly rather than pretending to work.
export const quickstart: Command = async () => {
  throw new Error('toe quickstart is not available yet');
};
