/**
 * Binding a server to the address a flag names. Every listener TOE has goes through here so that a taken port or
 * an address this machine does not have fails with the flag, the address and the reason
 * (`--http-bind 127.0.0.1:8080: address already in use`), not with a later `server.address()` of null.
 */
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Bind {
  host: string;
  port: number;
}

/** `host:port`, IPv6 in brackets, as the flags take it. */
export function formatBind(bind: Bind): string {
  return `${bind.host.includes(':') ? `[${bind.host}]` : bind.host}:${bind.port}`;
}

const REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'host name did not resolve',
};

/** Starts `server` (http, https or net) on `bind`; rejects naming `flag`, the address and the cause. */
export function listen(server: Server, bind: Bind, flag: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const reason = (err.code && REASONS[err.code]) ?? err.message;
      reject(new Error(`${flag} ${formatBind(bind)}: ${reason}`, { cause: err }));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(bind.port, bind.host);
  });
}

/** The base URL of a listening server, IPv6 in brackets. */
export function urlOf(address: AddressInfo, scheme: 'http' | 'https'): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}
