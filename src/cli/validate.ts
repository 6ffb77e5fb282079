import type { Command } from './command.ts';

// Placeholder until the command lands; it fails loudly rather than pretending to work.
export const validate: Command = async () => {
  throw new Error('toe validate is not available yet');
};
