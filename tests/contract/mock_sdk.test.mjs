// Contract test: the official Telnyx SDK (npm "telnyx", pinned) against a live telnyx-mock.
// Spawns the built binary with --port 0, reads its machine-readable start-up line, and drives the
// mock only through the SDK, so paths, query encodings (deepObject filters, comma arrays) and
// response shapes are exactly what the SDK sends and expects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Telnyx from 'telnyx';
import { startMock } from './start_mock.mjs';

let proc;
let url;
let publicKey;

before(async () => {
  let info;
  ({ proc, info } = await startMock(['--seed', '42', '--log-level', 'error']));
  assert.equal(info.host, '127.0.0.1');
  assert.ok(info.port > 0);
  url = info.url;
  publicKey = info.webhook_public_key;
});

after(() => { if (proc) proc.kill('SIGTERM'); });

const client = (key = 'KEYcontract') => new Telnyx({ apiKey: key, baseURL: url + '/v2', maxRetries: 0 });

async function rejectsWith(promise, ErrorClass, status, code) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof ErrorClass, `expected ${ErrorClass.name}, got ${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.status, status);
    assert.ok(Array.isArray(err.error?.errors), 'error body has an errors array');
    assert.equal(err.error.errors[0].code, code);
    assert.equal(typeof err.error.errors[0].title, 'string');
    return true;
  });
}

test('start-up line carries a base64 Ed25519 public key', () => {
  assert.equal(Buffer.from(publicKey, 'base64').length, 32);
});

test('send then retrieve', async () => {
  const t = client();
  const numbers = await t.phoneNumbers.list();
  const from = numbers.data[0].phone_number;
  const sent = await t.messages.send({ from, to: '+17735550188', text: 'Your code is 4821' });
  assert.equal(sent.data.record_type, 'message');
  assert.equal(sent.data.direction, 'outbound');
  assert.equal(sent.data.from.phone_number, from);
  assert.equal(sent.data.to[0].status, 'queued');
  assert.equal(sent.data.encoding, 'GSM-7');
  assert.equal(sent.data.parts, 1);
  const got = await t.messages.retrieve(sent.data.id);
  assert.equal(got.data.id, sent.data.id);
  assert.equal(got.data.text, 'Your code is 4821');
});

test('typed send endpoints: long code and number pool', async () => {
  const t = client('KEYtyped');
  const from = (await t.phoneNumbers.list()).data[0].phone_number;
  const lc = await t.messages.sendLongCode({ from, to: '+17735550188', text: 'long code' });
  assert.equal(lc.data.type, 'SMS');
  const profileId = (await t.messagingProfiles.list()).data[0].id;
  const pool = await t.messages.sendNumberPool({ messaging_profile_id: profileId, to: '+17735550188', text: 'pool' });
  assert.equal(pool.data.messaging_profile_id, profileId);
});

test('messaging profiles: create, list, filter, update, delete', async () => {
  const t = client('KEYprofiles');
  const a = await t.messagingProfiles.create({ name: 'contract-alpha', whitelisted_destinations: ['US'] });
  const b = await t.messagingProfiles.create({ name: 'contract-beta', whitelisted_destinations: ['US', 'CA'] });
  assert.equal(a.data.record_type, 'messaging_profile');
  assert.deepEqual(b.data.whitelisted_destinations, ['US', 'CA']);

  const all = await t.messagingProfiles.list();
  assert.equal(all.meta.total_results, 3); // the default profile + two
  const contains = await t.messagingProfiles.list({ 'filter[name][contains]': 'contract-' });
  assert.equal(contains.data.length, 2);
  const eq = await t.messagingProfiles.list({ 'filter[name][eq]': 'contract-beta' });
  assert.deepEqual(eq.data.map((p) => p.id), [b.data.id]);
  const deep = await t.messagingProfiles.list({ filter: { name: 'contract-alpha' } });
  assert.deepEqual(deep.data.map((p) => p.id), [a.data.id]);

  const paged = await t.messagingProfiles.list({ 'page[size]': 2 });
  assert.equal(paged.data.length, 2);
  assert.equal(paged.meta.total_pages, 2);
  const seen = [];
  for await (const p of t.messagingProfiles.list({ 'page[size]': 2 })) seen.push(p.id);
  assert.equal(seen.length, 3, 'auto-pagination walks page[number]');

  const up = await t.messagingProfiles.update(a.data.id, { name: 'contract-renamed', enabled: false });
  assert.equal(up.data.name, 'contract-renamed');
  assert.equal(up.data.enabled, false);
  assert.equal((await t.messagingProfiles.retrieve(a.data.id)).data.name, 'contract-renamed');
  await t.messagingProfiles.delete(a.data.id);
  await rejectsWith(t.messagingProfiles.retrieve(a.data.id), Telnyx.NotFoundError, 404, '10005');
});

test('available numbers -> order -> list -> assign to a profile -> send from it', async () => {
  const t = client('KEYnumbers');
  const avail = await t.availablePhoneNumbers.list({
    filter: { national_destination_code: '312', limit: 2, features: ['sms', 'mms'] },
  });
  assert.equal(avail.data.length, 2);
  assert.equal(avail.data[0].record_type, 'available_phone_number');
  const number = avail.data[0].phone_number;
  assert.ok(number.startsWith('+1312'));
  const starts = await t.availablePhoneNumbers.list({
    filter: { national_destination_code: '312', phone_number: { starts_with: number.slice(2, 8) } },
  });
  assert.equal(starts.data[0].phone_number, number);

  const profile = await t.messagingProfiles.create({ name: 'ordered', whitelisted_destinations: ['US'] });
  const order = await t.numberOrders.create({ phone_numbers: [{ phone_number: number }] });
  assert.equal(order.data.record_type, 'number_order');
  assert.equal(order.data.phone_numbers[0].phone_number, number);
  const again = await t.numberOrders.retrieve(order.data.id);
  assert.equal(again.data.id, order.data.id);

  const listed = await t.phoneNumbers.list({ filter: { phone_number: number.slice(1) } });
  assert.equal(listed.data.length, 1);
  const numberId = listed.data[0].id;
  assert.match(numberId, /^\d+$/);

  const assigned = await t.phoneNumbers.messaging.update(numberId, { messaging_profile_id: profile.data.id });
  assert.equal(assigned.data.messaging_profile_id, profile.data.id);
  const onProfile = await t.messagingProfiles.listPhoneNumbers(profile.data.id);
  assert.deepEqual(onProfile.data.map((n) => n.phone_number), [number]);

  const sent = await t.messages.send({ from: number, to: '+17735550188', text: 'from an ordered number' });
  assert.equal(sent.data.messaging_profile_id, profile.data.id);

  const unassigned = await t.phoneNumbers.messaging.update(numberId, { messaging_profile_id: '' });
  assert.equal(unassigned.data.messaging_profile_id, null);
  await rejectsWith(t.messages.send({ from: number, to: '+17735550188', text: 'x' }), Telnyx.BadRequestError, 400, '40305');
});

test('AuthenticationError on 401', async () => {
  await rejectsWith(client('not-a-telnyx-key').messagingProfiles.list(), Telnyx.AuthenticationError, 401, '10009');
});

test('BadRequestError with the errors array', async () => {
  const t = client();
  const from = (await t.phoneNumbers.list()).data[0].phone_number;
  await rejectsWith(t.messages.send({ from, to: '12', text: 'x' }), Telnyx.BadRequestError, 400, '40310');
  await rejectsWith(t.messages.send({ from, to: '+17735550188' }), Telnyx.BadRequestError, 400, '40316');
  await rejectsWith(t.messages.send({ from, to: '+17735550188', text: '€', encoding: 'gsm7' }), Telnyx.BadRequestError, 400, '10015');
});

test('UnprocessableEntityError with source.pointer', async () => {
  const t = client();
  await assert.rejects(t.messagingProfiles.create({ whitelisted_destinations: ['US'] }), (err) => {
    assert.ok(err instanceof Telnyx.UnprocessableEntityError);
    assert.equal(err.error.errors[0].code, '10004');
    assert.equal(err.error.errors[0].source.pointer, '/name');
    return true;
  });
});

test('NotFoundError for unknown message and unknown route', async () => {
  const t = client();
  await rejectsWith(t.messages.retrieve('4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f'), Telnyx.NotFoundError, 404, '10005');
  await rejectsWith(t.get('/no_such_resource'), Telnyx.NotFoundError, 404, '10005');
});
