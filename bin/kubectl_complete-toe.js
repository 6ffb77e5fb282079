#!/usr/bin/env node
// kubectl's completion of plugins (`kubectl toe <TAB>`) runs kubectl_complete-<name> with the words after the plugin.
import { register } from 'tsx/esm/api';

register();
const { runPlugin } = await import('../src/plugin/main.ts');
process.exitCode = await runPlugin(process.argv.slice(2), { out: process.stdout, err: process.stderr }, true);
