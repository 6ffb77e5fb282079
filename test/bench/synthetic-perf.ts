/**
 * A synthetic `perf script` of any size, written in chunks so that nothing close to its size is ever in memory.
 * Stacks come from a fixed set of call paths of realistic depth (like a real service: a few hundred distinct
 * stacks, 5–40 frames, C++-style names and kernel frames), so the folded output stays small while the input grows.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const FUNCS = [
  'main',
  'run_loop',
  'dispatch_request',
  'http::Server::handle(Request const&)',
  'parse_headers',
  'json_decode',
  'std::vector<int, std::allocator<int> >::push_back(int const&)',
  'compute_checksum',
  'hot_loop',
  'memcpy',
  'malloc',
  '_int_free',
  'do_syscall_64',
  'entry_SYSCALL_64_after_hwframe',
  '__x64_sys_read',
  'ksys_read',
  'vfs_read',
  'tcp_recvmsg',
  'zstd_compress_block',
  'sha256_block_data_order',
  '[unknown]',
  'pthread_mutex_lock',
  'futex_wait',
  'schedule',
];

function stacks(count: number): string[][] {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  return Array.from({ length: count }, () => {
    const depth = 5 + rand(36);
    return Array.from({ length: depth }, (_, i) => (i === depth - 1 ? 'main' : (FUNCS[rand(FUNCS.length)] as string)));
  });
}

function framesText(frames: string[]): string {
  return `${frames.map((f) => `\t    7f3a${(f.length * 4099).toString(16).padStart(8, '0')} ${f}+0x${(f.length * 7).toString(16)} (/usr/lib/libservice.so.1)\n`).join('')}\n`;
}

/** Writes about `bytes` bytes of perf script to `path`; resolves with the exact size and sample count. */
export async function writeSyntheticPerfScript(path: string, bytes: number): Promise<{ bytes: number; samples: number }> {
  const set = stacks(300).map(framesText);
  const out = createWriteStream(path);
  let written = 0;
  let samples = 0;
  while (written < bytes) {
    let chunk = '';
    while (chunk.length < 1 << 20) {
      chunk += `my-service 4242/4250 ${(1000 + samples / 1000).toFixed(6)}:     250000 cpu-clock: \n${set[samples % set.length]}`;
      samples++;
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { bytes: written, samples };
}
