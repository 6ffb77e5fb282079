import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inCidr, isClusterAddress, mayProbe, UNREACHABLE_METRIC, unreachableRouteArgs } from './routes.ts';
import { network } from './settings.ts';

describe('cluster routes', () => {
  it('tells addresses inside a CIDR from those outside', () => {
    assert.equal(inCidr('10.244.255.254', '10.244.0.0/16'), true);
    assert.equal(inCidr('10.245.0.1', '10.244.0.0/16'), false);
    assert.equal(inCidr('10.95.255.255', '10.96.0.0/16'), false);
    assert.equal(inCidr('192.0.2.1', '0.0.0.0/0'), true);
    assert.equal(inCidr('not-an-ip', '10.244.0.0/16'), false);
  });
  it("counts pod and Service addresses as the cluster's, and nothing else", () => {
    for (const ip of [network.nodeIp, network.apiServiceIp, network.dnsServiceIp, '10.244.3.7'])
      assert.equal(isClusterAddress(ip), true, ip);
    for (const ip of ['127.0.0.1', '192.0.2.1', '10.0.0.1']) assert.equal(isClusterAddress(ip), false, ip);
  });
  it("probes addresses outside the cluster's ranges whatever the bridge does", () => {
    assert.equal(mayProbe('127.0.0.1'), true);
    assert.equal(mayProbe('localhost'), true);
  });
  it("asks for an unreachable route that loses to the bridge's own (metric 0) routes", () => {
    assert.ok(UNREACHABLE_METRIC > 0);
    assert.deepEqual(unreachableRouteArgs(network.podCidr), [
      'route',
      'replace',
      'unreachable',
      network.podCidr,
      'metric',
      String(UNREACHABLE_METRIC),
    ]);
  });
});
