import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration, parseQuantity } from './units.ts';

describe('parseDuration', () => {
  it('adds up Go-style parts', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('90s'), 90_000);
  });
  it('refuses what is not a duration', () => {
    for (const bad of ['', '10', '-5s', '1.5s', '5 s', '1d', 's', '5s;rm']) assert.equal(parseDuration(bad), undefined, bad);
  });
  it('round-trips through formatDuration', () => {
    for (const ms of [1, 999, 1000, 61_000, 3_600_000, 3_723_004]) assert.equal(parseDuration(formatDuration(ms)), ms);
  });
});

describe('parseQuantity', () => {
  it('reads binary and decimal suffixes', () => {
    assert.equal(parseQuantity('128Mi'), 128 * 2 ** 20);
    assert.equal(parseQuantity('1G'), 1e9);
    assert.equal(parseQuantity('500m'), 0.5);
    assert.equal(parseQuantity('42'), 42);
  });
  it('refuses exponents, signs and junk', () => {
    for (const bad of ['', '-1Mi', '1e3', '1Mib', 'Mi', '1 Mi']) assert.equal(parseQuantity(bad), undefined, bad);
  });
});
