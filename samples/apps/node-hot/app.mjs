// toe-node-hot: a Node.js sample target for TOE's node profiler. Its CPU goes to toeNodeHotLoop, called through
// toeNodeWork, and toeNodeRetain keeps a ring of blocks live, so a CPU profile must name the first two and a
// heap profile the third. It serves "ok" on :8080 and exits on SIGTERM. The inspector is not open: the profiler
// opens it with SIGUSR1 and closes it again.

import http from 'node:http';

const busy = Math.min(100, Math.max(1, Number(process.argv[2]) || 30));
const retained = [];
let _sink = 0; // kept, so the optimiser cannot drop the loop's work

function toeNodeHotLoop(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003;
  return x;
}

function toeNodeWork() {
  _sink += toeNodeHotLoop(2000000);
}

// A ring of live blocks, one replaced per round: the sampling heap profiler sees what is allocated while it runs.
let round = 0;
function toeNodeRetain(size) {
  retained[round % 64] = new Array(size).fill(round);
  round += 1;
}

function loop() {
  const t0 = process.hrtime.bigint();
  toeNodeWork();
  toeNodeRetain(16384);
  const spent = Number(process.hrtime.bigint() - t0) / 1e6;
  setTimeout(loop, (spent * (100 - busy)) / busy);
}

loop();
const server = http.createServer((_req, res) => res.end('ok\n')).listen(8080);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
