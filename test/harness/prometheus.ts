/**
 * A real Prometheus for the prometheus probe's tests, run as a host process: built once from its Go module
 * (src/cluster/go/prometheus, PROMETHEUS_VERSION, service discoveries left out) into the TOE cache, started with a
 * generated config that scrapes fixed targets every second and a temporary data folder, stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layout } from '../../src/cluster/layout.ts';
import { buildGoProgram } from '../../src/cluster/steps/build-programs.ts';
import { waitFor } from '../../src/kube/wait.ts';

export interface RunningPrometheus {
  url: string;
  /** What Prometheus printed, for a failed test's message. */
  output(): string;
  stop(): Promise<void>;
}

/** A port the kernel just handed out; Prometheus cannot report the port it bound, so it gets one chosen here. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port from the kernel');
  return address.port;
}

/** `targets` are `host:port` of /metrics endpoints, one scrape job each, named by the map's keys. */
export async function startPrometheus(jobs: Record<string, string>, cacheDir = layout().cacheDir): Promise<RunningPrometheus> {
  const binary = await buildGoProgram(cacheDir, 'prometheus');
  const dir = await mkdtemp(join(tmpdir(), 'toe-prometheus-'));
  const scrapeConfigs = Object.entries(jobs)
    .map(([job, target]) => `  - job_name: ${job}\n    static_configs:\n      - targets: ['${target}']\n`)
    .join('');
  await writeFile(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${scrapeConfigs}`,
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-8192));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'prometheus ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${output}`);
        const res = await fetch(`${url}/-/ready`).catch(() => undefined);
        return res?.ok ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, output: () => output, stop };
}
