import { readFile, writeFile } from 'node:fs/promises';
import type { Context } from './context.ts';
import { saveState } from './context.ts';

const path = (key: string): string => `/proc/sys/${key.replaceAll('.', '/')}`;

export async function readSysctl(key: string): Promise<string> {
  return (await readFile(path(key), 'utf8')).trim();
}

/** Sets kernel settings, first recording each previous value once, so `down` restores the machine as found. */
export async function setSysctls(ctx: Context, values: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    const before = await readSysctl(key);
    if (before === value) continue;
    if (!(key in ctx.state.sysctls)) {
      ctx.state.sysctls[key] = before;
      await saveState(ctx);
    }
    await writeFile(path(key), value);
  }
}

/** Puts back every recorded value; returns the keys that could not be restored. */
export async function restoreSysctls(saved: Record<string, string>): Promise<string[]> {
  const failed: string[] = [];
  for (const [key, value] of Object.entries(saved)) {
    await writeFile(path(key), value).catch(() => failed.push(key));
  }
  return failed;
}
