import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../../src/core/clock.ts';
import { startReferenceService, type RunningReferenceService } from '../../src/reference/http.ts';
import { createPopulation } from '../../src/reference/population/population.ts';
import { formatE164 } from '../../src/reference/e164.ts';
import { VISIBLE_PHOTO } from '../../src/reference/population/population.ts';

const population = createPopulation({ seed: 21, accounts: 5_000 });

describe('startReferenceService', () => {
  let running: RunningReferenceService;
  before(async () => {
    running = await startReferenceService({
      population,
      port: 0,
      clock: manualClock(population.startMs),
      maxBatch: 100,
      maxBodyBytes: 4096,
    });
  });
  after(() => running.close());

  const post = (path: string, body: string, token?: string): Promise<Response> =>
    fetch(`${running.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });

  it('serves a round trip over loopback: register, discover, photo', async () => {
    const reg = await post('/v1/accounts', JSON.stringify({ number: '+447700900555' }));
    assert.equal(reg.status, 201);
    const { token } = (await reg.json()) as { token: string };
    let owner = 0;
    while (
      (population.visibilityOf(owner) & VISIBLE_PHOTO) === 0 ||
      population.registeredAt(owner) > population.startMs
    )
      owner++;
    const numbers = [formatE164(population.numberOf(owner)), '+447700900556'];
    const found = await post('/v1/contacts/discover', JSON.stringify({ numbers }), token);
    assert.equal(found.status, 200);
    const { contacts } = (await found.json()) as { contacts: { number: string; photo?: string }[] };
    assert.equal(contacts.length, 1);
    assert.equal(contacts[0]?.number, numbers[0]);
    const photo = await fetch(`${running.url}${contacts[0]?.photo ?? ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(photo.status, 200);
    assert.equal(photo.headers.get('content-type'), 'image/svg+xml');
    assert.match(await photo.text(), /^<svg/);
  });

  it('answers malformed JSON with 400 and an oversized body with 413', async () => {
    const bad = await post('/v1/accounts', '{"number":');
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('content-type'), 'application/problem+json');
    await bad.body?.cancel();
    const big = await post(
      '/v1/contacts/discover',
      JSON.stringify({ numbers: Array(400).fill('+447700900555') }),
      'x',
    );
    assert.equal(big.status, 413);
    await big.body?.cancel();
  });

  it('reports health', async () => {
    const res = await fetch(`${running.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });
});
