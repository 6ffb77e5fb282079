// The node tool's inspector client (run by entrypoint.sh with Node's own WebSocket, --experimental-websocket on
// Node 20): attaches to the target's inspector, runs the CPU profiler and/or the sampling heap profiler for SECONDS
// (or until SIGTERM, which ends the profiles early and keeps them), writes cpu.cpuprofile and heap.heapprofile into
// OUT, and with CLOSE=1 closes the inspector it was opened for. Arguments were checked by the entrypoint.
//   node --experimental-websocket inspect.mjs URL SECONDS cpu|heap|both OUT CLOSE
//   node --experimental-websocket inspect.mjs URL 0 close - 1      (only close the inspector)
/* global WebSocket -- Node 20's, behind --experimental-websocket */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [url, seconds, profile, out, close] = process.argv.slice(2);
const cpu = profile === 'cpu' || profile === 'both';
const heap = profile === 'heap' || profile === 'both';

const fail = (code, message) => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

const targets = await (await fetch(`${url}/json/list`, { signal: AbortSignal.timeout(5000) })).json().catch(() => []);
const target = targets.find((t) => t.type === 'node' && t.webSocketDebuggerUrl);
if (!target) fail(3, `no Node.js target at ${url}/json/list`);

const ws = new WebSocket(target.webSocketDebuggerUrl);
let next = 0;
const pending = new Map();
ws.onmessage = (m) => {
  const reply = JSON.parse(String(m.data));
  const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
  if (!waiter) return;
  pending.delete(reply.id);
  if (reply.error) waiter.reject(new Error(`${reply.error.message} (${reply.error.code})`));
  else waiter.resolve(reply.result);
};
ws.onclose = () => {
  for (const w of pending.values()) w.reject(new Error('the inspector closed the connection'));
  pending.clear();
};
const call = (method, params = {}) =>
  new Promise((resolve, reject) => {
    next += 1;
    pending.set(next, { resolve, reject });
    ws.send(JSON.stringify({ id: next, method, params }));
  });
await new Promise((resolve, reject) => {
  ws.onopen = resolve;
  ws.onerror = () => reject(new Error(`cannot connect to ${target.webSocketDebuggerUrl}`));
}).catch((err) => fail(3, err.message));

if (cpu) {
  await call('Profiler.enable');
  await call('Profiler.start');
}
if (heap) {
  await call('HeapProfiler.enable');
  await call('HeapProfiler.startSampling', { samplingInterval: 32768 });
}
let stopped = false;
await new Promise((resolve) => {
  if (!cpu && !heap) return resolve();
  const timer = setTimeout(resolve, Number(seconds) * 1000);
  process.once('SIGTERM', () => {
    stopped = true;
    clearTimeout(timer);
    resolve();
  });
});
const summary = { stopped };
if (cpu) {
  const { profile: p } = await call('Profiler.stop');
  writeFileSync(join(out, 'cpu.cpuprofile'), JSON.stringify(p));
  summary.cpuNodes = p.nodes.length;
  await call('Profiler.disable');
}
if (heap) {
  const { profile: p } = await call('HeapProfiler.stopSampling');
  writeFileSync(join(out, 'heap.heapprofile'), JSON.stringify(p));
  summary.heapSamples = p.samples?.length ?? 0;
  await call('HeapProfiler.disable');
}
if (close === '1') {
  // Closing the inspector ends this session too, so the reply may never come: wait briefly, then check.
  await Promise.race([
    call('Runtime.evaluate', { expression: 'process._debugEnd()' }).catch(() => undefined),
    new Promise((r) => setTimeout(r, 1500)),
  ]);
}
ws.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(0);
