// Contract test of the messaging-profile tools: alphanumeric sender IDs (/v2/alphanumeric_sender_ids)
// and profile metrics,
// called through the official SDK's methods, every response (success and error) validated against
// schemas/messaging.mjs; the last test checks each operation was seen answering both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Telnyx from 'telnyx';
import { startMock } from './start_mock.mjs';
import * as S from './schemas/messaging.mjs';
import { makeChecker } from './check.mjs';

let mock;
let proc;
before(async () => {
  let info;
  ({ proc, info } = await startMock(['--seed', '23', '--log-level', 'error']));
  mock = info;
});
after(() => proc?.kill('SIGTERM'));

const client = (key = 'KEYtools') => new Telnyx({ apiKey: key, baseURL: mock.url + '/v2', maxRetries: 0 });
const { ok, fails, seenOk, seenErr } = makeChecker();
const UNKNOWN_UUID = '4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f';

const IMPLEMENTED = [
  'alphanumericSenderIDs.create', 'alphanumericSenderIDs.retrieve', 'alphanumericSenderIDs.delete',
  'alphanumericSenderIDs.list', 'messagingProfiles.retrieveMetrics', 'messagingProfileMetrics.list',
];
// Operations whose only error is 401 (tested below for every operation).
const NO_OTHER_ERROR = new Set([]);

test('alphanumeric sender IDs: create, list, retrieve, delete, as the profile sees them', async () => {
  const t = client('KEYalpha');
  const profile = (await t.messagingProfiles.list()).data[0];
  const fallback = (await t.phoneNumbers.list()).data[0].phone_number;
  const created = await ok('alphanumericSenderIDs.create',
    t.alphanumericSenderIDs.create({ alphanumeric_sender_id: 'Acme Co', messaging_profile_id: profile.id,
      us_long_code_fallback: fallback }),
    S.one(S.alphanumericSenderId));
  assert.equal(created.data.alphanumeric_sender_id, 'Acme Co');
  assert.equal(created.data.us_long_code_fallback, fallback);
  const id = created.data.id;
  const got = await ok('alphanumericSenderIDs.retrieve', t.alphanumericSenderIDs.retrieve(id), S.one(S.alphanumericSenderId));
  assert.deepEqual(got.data, created.data);
  const listed = await ok('alphanumericSenderIDs.list', t.alphanumericSenderIDs.list(), S.list(S.alphanumericSenderId));
  assert.deepEqual(listed.data, [created.data]);
  const filtered = await ok('alphanumericSenderIDs.list',
    t.alphanumericSenderIDs.list({ 'filter[messaging_profile_id]': UNKNOWN_UUID }), S.list(S.alphanumericSenderId));
  assert.equal(filtered.data.length, 0);
  const scoped = await t.messagingProfiles.listAlphanumericSenderIDs(profile.id);
  assert.deepEqual(scoped.data, [created.data]);
  assert.equal((await t.messagingProfiles.retrieve(profile.id)).data.alpha_sender, 'Acme Co');

  await fails('alphanumericSenderIDs.create',
    t.alphanumericSenderIDs.create({ alphanumeric_sender_id: 'Other', messaging_profile_id: profile.id }), 409, '10012');
  await fails('alphanumericSenderIDs.create',
    t.alphanumericSenderIDs.create({ alphanumeric_sender_id: '12345', messaging_profile_id: profile.id }), 422, '10015');
  await fails('alphanumericSenderIDs.create',
    t.alphanumericSenderIDs.create({ alphanumeric_sender_id: 'Acme', messaging_profile_id: UNKNOWN_UUID }), 422, '10017');
  await fails('alphanumericSenderIDs.create', t.alphanumericSenderIDs.create({ messaging_profile_id: profile.id }),
    422, '10004');
  await fails('alphanumericSenderIDs.list', t.alphanumericSenderIDs.list({ 'page[size]': 0 }), 400, '10015');

  const gone = await ok('alphanumericSenderIDs.delete', t.alphanumericSenderIDs.delete(id), S.one(S.alphanumericSenderId));
  assert.deepEqual(gone.data, created.data);
  await fails('alphanumericSenderIDs.delete', t.alphanumericSenderIDs.delete(id), 404, '10005');
  await fails('alphanumericSenderIDs.retrieve', t.alphanumericSenderIDs.retrieve(id), 404, '10005');
  assert.equal((await t.alphanumericSenderIDs.list()).data.length, 0);
  assert.equal((await t.messagingProfiles.retrieve(profile.id)).data.alpha_sender, null);
});

test('profile metrics: counted from the tenant\'s messages', async () => {
  const t = client('KEYmetrics');
  const profile = (await t.messagingProfiles.list()).data[0];
  const number = (await t.phoneNumbers.list()).data[0].phone_number;
  for (let i = 0; i < 3; i++) await t.messages.send({ from: number, to: '+17735550188', text: `m${i}` });
  const r = await fetch(`${mock.url}/_mock/inbound`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: '+17735550188', to: number, text: 'hello' }),
  });
  assert.equal(r.status, 200);
  const one = await ok('messagingProfiles.retrieveMetrics', t.messagingProfiles.retrieveMetrics(profile.id, { time_frame: '1h' }),
    S.one(S.profileMetricsDetailed));
  assert.equal(one.data.overview.outbound.sent, 3);
  assert.equal(one.data.overview.inbound.received, 1);
  assert.equal(one.data.detailed.length, 12);
  await ok('messagingProfiles.retrieveMetrics', t.messagingProfiles.retrieveMetrics(profile.id), S.one(S.profileMetricsDetailed));
  const all = await ok('messagingProfileMetrics.list', t.messagingProfileMetrics.list({ time_frame: '30d' }),
    S.list(S.profileMetricsOverview));
  assert.deepEqual(all.data, [{ ...one.data.overview }]);
  const bad = await fails('messagingProfileMetrics.list', t.messagingProfileMetrics.list({ time_frame: '2d' }), 400, '10015');
  assert.equal(bad.errors[0].source.parameter, 'time_frame');
  await fails('messagingProfiles.retrieveMetrics', t.messagingProfiles.retrieveMetrics(profile.id, { time_frame: 'week' }),
    400, '10015');
  await fails('messagingProfiles.retrieveMetrics', t.messagingProfiles.retrieveMetrics(UNKNOWN_UUID), 404, '10005');
});

test('every operation answers 401 with the envelope for a bad key', async () => {
  const t = client('not-a-key');
  const calls = {
    'alphanumericSenderIDs.create': () =>
      t.alphanumericSenderIDs.create({ alphanumeric_sender_id: 'Acme', messaging_profile_id: UNKNOWN_UUID }),
    'alphanumericSenderIDs.retrieve': () => t.alphanumericSenderIDs.retrieve(UNKNOWN_UUID),
    'alphanumericSenderIDs.delete': () => t.alphanumericSenderIDs.delete(UNKNOWN_UUID),
    'alphanumericSenderIDs.list': () => t.alphanumericSenderIDs.list(),
    'messagingProfiles.retrieveMetrics': () => t.messagingProfiles.retrieveMetrics(UNKNOWN_UUID),
    'messagingProfileMetrics.list': () => t.messagingProfileMetrics.list(),
  };
  assert.deepEqual(Object.keys(calls).sort(), [...IMPLEMENTED].sort());
  for (const [op, call] of Object.entries(calls)) await fails(op, call(), 401, '10009');
  for (const op of NO_OTHER_ERROR) seenErr.add(op);
});

test('every operation was validated answering success and error', () => {
  for (const op of IMPLEMENTED) {
    assert.ok(seenOk.has(op), `${op}: no success response validated`);
    assert.ok(seenErr.has(op), `${op}: no error response validated`);
  }
});
