// Contract test of the messaging-profile tools: alphanumeric sender IDs (/v2/alphanumeric_sender_ids),
// profile metrics and autoresponse configs,
// called through the official SDK's methods, every response (success and error) validated against
// schemas/messaging.mjs; the last test checks each operation was seen answering both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Telnyx from 'telnyx';
import { startMock } from './start_mock.mjs';
import * as S from './schemas/messaging.mjs';
import { makeChecker, validate } from './check.mjs';

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
  'messagingProfiles.autorespConfigs.list', 'messagingProfiles.autorespConfigs.create',
  'messagingProfiles.autorespConfigs.retrieve', 'messagingProfiles.autorespConfigs.update',
  'messagingProfiles.autorespConfigs.delete',
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

test('autoresponse configs: list, create, retrieve, update, delete, and an answer to a matching text', async () => {
  const t = client('KEYautoresp');
  const profile = (await t.messagingProfiles.list()).data[0];
  const number = (await t.phoneNumbers.list()).data[0].phone_number;
  const empty = await ok('messagingProfiles.autorespConfigs.list', t.messagingProfiles.autorespConfigs.list(profile.id),
    S.list(S.autorespConfig));
  assert.equal(empty.data.length, 0);
  const created = await ok('messagingProfiles.autorespConfigs.create',
    t.messagingProfiles.autorespConfigs.create(profile.id,
      { op: 'stop', keywords: ['UNSUB'], country_code: 'US', resp_text: 'You are unsubscribed.' }),
    S.one(S.autorespConfig));
  const id = created.data.id;
  const got = await ok('messagingProfiles.autorespConfigs.retrieve',
    t.messagingProfiles.autorespConfigs.retrieve(id, { profile_id: profile.id }), S.one(S.autorespConfig));
  assert.deepEqual(got.data, created.data);
  const listed = await ok('messagingProfiles.autorespConfigs.list',
    t.messagingProfiles.autorespConfigs.list(profile.id, { country_code: 'US' }), S.list(S.autorespConfig));
  assert.deepEqual(listed.data, [created.data]);

  // It acts: the text opts the sender out and is answered from the number.
  const r = await fetch(`${mock.url}/_mock/inbound`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: '+17735550188', to: number, text: 'unsub' }),
  });
  assert.equal(r.status, 200);
  const optouts = await t.messagingOptouts.list();
  assert.equal(optouts.data.length, 1);
  const stored = await (await fetch(`${mock.url}/_mock/messages?api_key=KEYautoresp`)).json();
  assert.equal(stored.data[0].message.text, 'You are unsubscribed.');
  await ok('messages.retrieve', t.messages.retrieve(stored.data[0].message.id), S.one(S.outboundMessage));

  const updated = await ok('messagingProfiles.autorespConfigs.update',
    t.messagingProfiles.autorespConfigs.update(id, { profile_id: profile.id, op: 'info', keywords: ['HELP'], country_code: 'US' }),
    S.one(S.autorespConfig));
  assert.equal(updated.data.op, 'info');
  assert.equal(updated.data.resp_text, undefined);

  await fails('messagingProfiles.autorespConfigs.create',
    t.messagingProfiles.autorespConfigs.create(profile.id, { op: 'pause', keywords: ['X'], country_code: 'US' }), 422, '10015');
  await fails('messagingProfiles.autorespConfigs.create',
    t.messagingProfiles.autorespConfigs.create(profile.id, { op: 'stop', keywords: ['help'], country_code: 'US' }), 409, '10012');
  await fails('messagingProfiles.autorespConfigs.update',
    t.messagingProfiles.autorespConfigs.update(id, { profile_id: profile.id, op: 'stop', keywords: [], country_code: 'US' }),
    422, '10015');
  await fails('messagingProfiles.autorespConfigs.list', t.messagingProfiles.autorespConfigs.list(UNKNOWN_UUID), 404, '10005');

  const res = await t.messagingProfiles.autorespConfigs.delete(id, { profile_id: profile.id }).asResponse();
  assert.equal(res.status, 200);
  const body = await res.json();
  validate(S.autorespDeleted, body, 'messagingProfiles.autorespConfigs.delete');
  seenOk.add('messagingProfiles.autorespConfigs.delete');
  await fails('messagingProfiles.autorespConfigs.delete',
    t.messagingProfiles.autorespConfigs.delete(id, { profile_id: profile.id }), 404, '10005');
  await fails('messagingProfiles.autorespConfigs.retrieve',
    t.messagingProfiles.autorespConfigs.retrieve(id, { profile_id: profile.id }), 404, '10005');
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
    'messagingProfiles.autorespConfigs.list': () => t.messagingProfiles.autorespConfigs.list(UNKNOWN_UUID),
    'messagingProfiles.autorespConfigs.create': () =>
      t.messagingProfiles.autorespConfigs.create(UNKNOWN_UUID, { op: 'info', keywords: ['HELP'], country_code: 'US' }),
    'messagingProfiles.autorespConfigs.retrieve': () =>
      t.messagingProfiles.autorespConfigs.retrieve(UNKNOWN_UUID, { profile_id: UNKNOWN_UUID }),
    'messagingProfiles.autorespConfigs.update': () => t.messagingProfiles.autorespConfigs.update(UNKNOWN_UUID,
      { profile_id: UNKNOWN_UUID, op: 'info', keywords: ['HELP'], country_code: 'US' }),
    'messagingProfiles.autorespConfigs.delete': () =>
      t.messagingProfiles.autorespConfigs.delete(UNKNOWN_UUID, { profile_id: UNKNOWN_UUID }),
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
