import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mayProbe } from './routes.ts';

/**
 * GETs a URL and returns the status code (0 when nothing answers). Probes skip TLS verification: they only ask
 * "does it answer yet", the real clients verify against the cluster CA. A cluster address is not probed at all
 * while the bridge is absent (routes.ts): nothing of ours can answer there then.
 */
export function probe(url: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const u = new URL(url);
    if (!mayProbe(u.hostname)) {
      resolve(0);
      return;
    }
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      { method: 'GET', timeout: timeoutMs, rejectUnauthorized: false },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}
