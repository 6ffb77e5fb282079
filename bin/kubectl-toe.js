#!/usr/bin/env node
// `kubectl toe …`: kubectl runs any kubectl-<name> on PATH as a plugin. TypeScript sources through tsx, as bin/toe.js.
import { register } from 'tsx/esm/api';

register();
const { runPlugin } = await import('../src/plugin/main.ts');
process.exitCode = await runPlugin(process.argv.slice(2), { out: process.stdout, err: process.stderr });
