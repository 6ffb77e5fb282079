import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PcapReader, type PcapRecord } from '../../processing/kinds/tcpdump/pcap.ts';
import { outputDir } from '../../test/tools/outputs.ts';
import { cannotRun, runTool, Target } from '../../test/tools/sandbox.ts';

// In its own network namespace, the target keeps connecting to 127.0.0.1:8080 (refused: SYN, RST) and asking a
// DNS server on 127.0.0.1:53 that does not exist (UDP).
const chatty = [
  '/bin/sh',
  '-c',
  'while :; do echo hi | /bin/busybox nc -w 1 127.0.0.1 8080; /bin/busybox timeout 1 /bin/busybox nslookup toe.test 127.0.0.1 > /dev/null 2>&1; sleep 0.2; done',
];

function readPcap(bytes: Buffer): { linkType: number | undefined; snaplen: number | undefined; records: PcapRecord[] } {
  const records: PcapRecord[] = [];
  const reader = new PcapReader((r) => records.push({ ...r, data: Buffer.from(r.data) }));
  reader.push(bytes);
  return { linkType: reader.header?.linkType, snaplen: reader.header?.snaplen, records };
}

// IPv4 over Ethernet (loopback is Ethernet-framed): the IP protocol and the destination port.
const proto = (r: PcapRecord): number | undefined => r.data[14 + 9];
const dport = (r: PcapRecord): number => r.data.readUInt16BE(14 + ((r.data[14] ?? 0) & 0x0f) * 4 + 2);

describe('tcpdump entrypoint', { skip: cannotRun('tcpdump') }, () => {
  let target: Target;
  before(async () => {
    target = await Target.start(chatty);
  });
  after(async () => {
    await target?.stop();
  });

  it("captures the pod's traffic with a port and protocol filter it builds itself", async () => {
    const out = outputDir();
    try {
      const run = await runTool('tcpdump', {
        target,
        args: ['--interface=lo', '--port=8080', '--proto=tcp', '--snaplen=96'],
        env: { TOE_DURATION_SECONDS: '4', TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: out.dir },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.result?.exitReason, 'Completed', run.stdout);
      assert.equal(run.result?.effect.filter, 'tcp port 8080');
      const pcap = readPcap(readFileSync(join(out.runDir, 'capture.pcap')));
      assert.equal(pcap.linkType, 1);
      assert.equal(pcap.snaplen, 96);
      assert.ok(pcap.records.length >= 4, `records: ${pcap.records.length}`);
      assert.equal(pcap.records.length, run.result?.effect.packets);
      for (const r of pcap.records) assert.equal(proto(r), 6, 'TCP only');
      assert.ok(pcap.records.some((r) => dport(r) === 8080));
    } finally {
      out.remove();
    }
  });

  it('stops at --count packets, and with what it has when stopped', async () => {
    let run = await runTool('tcpdump', {
      target,
      args: ['--interface=lo', '--filter=dns', '--count=3'],
      env: { TOE_DURATION_SECONDS: '20', TOE_OUTPUT_MODE: 'logs' },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result?.exitReason, 'Completed');
    assert.equal(run.result?.effect.packets, 3);
    assert.match(run.result?.message ?? '', /--count=3/);
    run = await runTool('tcpdump', {
      target,
      args: ['--interface=lo'],
      env: { TOE_DURATION_SECONDS: '60', TOE_OUTPUT_MODE: 'logs' },
      signal: { name: 'SIGTERM', afterMs: 3000 },
    });
    assert.equal(run.result?.exitReason, 'Stopped');
    assert.equal(run.result?.partial, true);
    const b64 = run.stdout
      .split(/^TOE-ARTIFACT-BEGIN capture\.pcap$/m)
      .slice(1)
      .map((p) => p.split(/^TOE-ARTIFACT-END /m)[0] as string);
    const pcap = readPcap(Buffer.concat(b64.map((p) => Buffer.from(p, 'base64'))));
    assert.equal(pcap.linkType, 1);
    assert.ok(pcap.records.length > 0);
  });

  it('fails with the reason without NET_RAW', async () => {
    const run = await runTool('tcpdump', {
      target,
      args: ['--interface=lo'],
      capabilities: ['setuid', 'setgid'],
      env: { TOE_DURATION_SECONDS: '3', TOE_OUTPUT_MODE: 'logs' },
    });
    assert.equal(run.code, 1, run.stdout);
    assert.equal(run.result?.exitReason, 'Error');
    assert.match(run.result?.message ?? '', /tcpdump failed: .*(not permitted|permission)/i);
  });
});
