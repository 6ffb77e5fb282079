import type { Command } from './command.ts';

// Placeholder until the command lands; it fails loudly rather than pretending to work.
export const reports: Command = async () => {
  throw new Error('toe reports is not available yet');
};
