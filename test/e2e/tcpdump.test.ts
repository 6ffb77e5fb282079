/**
 * The tcpdump profiler on a real node. The traffic is made and counted OUTSIDE the tool: the test sends numbered UDP
 * datagrams from the node to a sample pod, on the filtered port and on another, and reads the capture in output mode
 * pvc straight from the pod's volume on the node. The capture must hold exactly the datagrams sent on the filtered
 * port while it ran, none of the others, and stop at --count when that comes first.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PcapReader } from '../../processing/kinds/tcpdump/pcap.ts';
import { decodePacket, type Packet } from '../../processing/kinds/tcpdump/packet.ts';
import type { PowerTool } from '../../src/api/index.ts';
import { testClients } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { allRunning, finished, powerTools, runningPods, sampleApp, sleep, volumeHostPath } from './tools.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `e2e-tcpdump-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
const CAPTURED_PORT = 9999;
const OTHER_PORT = 9998;
let operator: OperatorProcess | undefined;

/** Sends `count` datagrams to ip:port from the node, 20 ms apart, each naming its run and sequence number. */
async function sendDatagrams(ip: string, port: number, count: number, tag: string): Promise<void> {
  const socket = createSocket('udp4');
  try {
    for (let i = 0; i < count; i++) {
      await new Promise<void>((resolve, reject) => socket.send(`toe-${tag}-${i}`, port, ip, (err) => (err ? reject(err) : resolve())));
      await sleep(20);
    }
  } finally {
    socket.close();
  }
}

/** The packets of a classic pcap file, decoded. */
function packets(file: string): Packet[] {
  const out: Packet[] = [];
  const reader: PcapReader = new PcapReader((record) => out.push(decodePacket(reader.header?.linkType ?? 1, record.data)));
  reader.push(readFileSync(file));
  return out;
}

/** Where output mode pvc put this run's files for the pod: <volume>/<subPath>/<PowerTool UID>/<pod>. */
function outputDir(pt: PowerTool, podUid: string, pod: string): string {
  return join(volumeHostPath(podUid, 'scratch'), 'toe', String(pt.metadata?.uid), pod);
}

describe('tcpdump profiler on a real node', () => {
  let pod = '';
  let podUid = '';
  let podIp = '';

  before(async () => {
    const kubeconfig = await prepare(clients, ['tcpdump']);
    await sampleApp(clients, NS, 'cpu-hot/deployment.yaml', 'demo-app', 3);
    const [first] = await runningPods(clients, NS, 'demo-app', 3);
    pod = first?.metadata?.name ?? '';
    podUid = first?.metadata?.uid ?? '';
    podIp = first?.status?.podIP ?? '';
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  /** Starts a capture on the pod, waits until it runs and tcpdump has had time to open its socket. */
  async function capture(name: string, args: string[], duration: string): Promise<void> {
    await pts.create(name, {
      targets: { selector: { matchLabels: { app: 'demo-app' } }, pods: [pod] },
      tool: { name: 'tcpdump', args, duration },
      output: { mode: 'pvc', volume: { name: 'scratch', subPath: 'toe' } },
    });
    await pts.until(name, 'running', allRunning(1), 90_000);
    await sleep(3_000);
  }

  it('captures exactly the datagrams sent to the filtered port, into the pod volume', async (t) => {
    await capture('udp', [`--port=${CAPTURED_PORT}`, '--proto=udp'], '15s');
    await sendDatagrams(podIp, CAPTURED_PORT, 20, 'in');
    await sendDatagrams(podIp, OTHER_PORT, 10, 'out');
    const done = await pts.until('udp', 'finished', finished, 60_000);
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));

    const dir = outputDir(done, podUid, pod);
    assert.ok(existsSync(join(dir, 'result.json')), `no result.json in ${dir}`);
    assert.ok(!existsSync(join(dir, '.partial')), `the .partial marker is still in ${dir}`);
    const seen = packets(join(dir, 'capture.pcap'));
    t.diagnostic(`${seen.length} packets; effect ${JSON.stringify(done.status?.targets?.[0]?.result?.effect)}`);
    const toPort = seen.filter((p) => p.transport === 'UDP' && p.dst === podIp && p.dstPort === CAPTURED_PORT);
    assert.equal(toPort.length, 20, JSON.stringify(seen.slice(0, 5)));
    assert.equal(seen.filter((p) => p.dstPort === OTHER_PORT || p.srcPort === OTHER_PORT).length, 0, 'the filter let other ports through');
    assert.equal(seen.length, 20, `packets other than the 20 sent: ${JSON.stringify(seen.filter((p) => !toPort.includes(p)))}`);
  });

  it('stops at --count and says so, ending the run normally', async () => {
    await capture('capped', [`--port=${CAPTURED_PORT}`, '--proto=udp', '--count=5'], '2m');
    await sendDatagrams(podIp, CAPTURED_PORT, 20, 'cap');
    const done = await pts.until('capped', 'finished', finished, 60_000);
    const result = done.status?.targets?.[0]?.result;
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
    assert.equal(result?.partial, false, JSON.stringify(result));
    assert.match(String(result?.message), /count/, JSON.stringify(result));
    assert.equal(packets(join(outputDir(done, podUid, pod), 'capture.pcap')).length, 5);
  });
});
