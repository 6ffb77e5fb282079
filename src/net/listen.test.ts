import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { formatBind, listen, urlOf } from './listen.ts';

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('listen', () => {
  it('resolves with the address it got, the port picked when 0 was asked', async () => {
    const server = createHttpServer();
    const address = await listen(server, { host: '127.0.0.1', port: 0 }, '--http-bind');
    try {
      assert.equal(address.address, '127.0.0.1');
      assert.ok(address.port > 0);
      assert.equal(urlOf(address, 'http'), `http://127.0.0.1:${address.port}`);
    } finally {
      await close(server);
    }
  });

  it('names the flag, the address and the reason when the port is taken', async () => {
    const holder = createNetServer();
    const { port } = await listen(holder, { host: '127.0.0.1', port: 0 }, 'holder');
    const server = createHttpServer();
    try {
      await assert.rejects(listen(server, { host: '127.0.0.1', port }, '--http-bind'), (err: Error) => {
        assert.equal(err.message, `--http-bind 127.0.0.1:${port}: address already in use`);
        assert.equal((err.cause as NodeJS.ErrnoException).code, 'EADDRINUSE');
        return true;
      });
      assert.equal(server.listening, false);
      // The failed server holds nothing: once the port is free the same server can take it.
      await close(holder);
      assert.equal((await listen(server, { host: '127.0.0.1', port }, '--http-bind')).port, port);
    } finally {
      if (holder.listening) await close(holder);
      if (server.listening) await close(server);
    }
  });

  it('says when the address is not one of this machine', async () => {
    // TEST-NET-1 (RFC 5737): never assigned to a local interface.
    await assert.rejects(listen(createHttpServer(), { host: '192.0.2.1', port: 0 }, '--webhook-bind'), {
      message: '--webhook-bind 192.0.2.1:0: address not available on this machine',
    });
  });

  it('writes IPv6 hosts in brackets', () => {
    assert.equal(formatBind({ host: '::1', port: 9443 }), '[::1]:9443');
    assert.equal(formatBind({ host: '0.0.0.0', port: 8080 }), '0.0.0.0:8080');
  });
});
