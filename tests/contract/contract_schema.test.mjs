// Contract test: every operation telnyx-mock implements, called through the official SDK's method
// for it, and every response, success and error, validated against the schemas in
// schemas/messaging.mjs: no missing, extra, mistyped or out-of-enum field. The last test checks
// that each implemented operation was seen answering both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Telnyx from 'telnyx';
import { startMock } from './start_mock.mjs';
import * as S from './schemas/messaging.mjs';
import { validate, makeChecker } from './check.mjs';

let mock;
let proc;
// A second mock with a configured tenant owning a short code (open mode owns none).
const SHORT_CODE = '24273';
const CONFIG_PROFILE = '400176aa-1b2c-4d3e-9f00-11aa22bb33cc';
let configured;
let configuredProc;
let dir;
before(async () => {
  let info;
  ({ proc, info } = await startMock(['--seed', '15', '--log-level', 'error']));
  mock = info;
  dir = mkdtempSync(path.join(tmpdir(), 'contract-schema-'));
  const config = path.join(dir, 'mock.yaml');
  writeFileSync(config, [
    'tenants:',
    '  - name: acme',
    '    api_keys: [KEYacme]',
    `    numbers: ["+13125550100"]`,
    '    profiles:',
    '      - name: main',
    `        id: ${CONFIG_PROFILE}`,
    '        whitelisted_destinations: [US]',
    `        numbers: ["+13125550147", "${SHORT_CODE}"]`,
    '',
  ].join('\n'));
  ({ proc: configuredProc, info } = await startMock(['--config', config, '--log-level', 'error']));
  configured = info;
});
after(() => {
  proc?.kill('SIGTERM');
  configuredProc?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const client = (key = 'KEYschema', server = mock) =>
  new Telnyx({ apiKey: key, baseURL: server.url + '/v2', maxRetries: 0 });
const { ok, fails, seenOk, seenErr } = makeChecker();

const UNKNOWN_UUID = '4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f';
const DEST = '+17735550188';

// Every operation the mock implements, by the SDK method that calls it.
const IMPLEMENTED = [
  'messages.send', 'messages.sendLongCode', 'messages.sendShortCode', 'messages.sendNumberPool',
  'messages.sendWithAlphanumericSender', 'messages.retrieve',
  'messagingProfiles.list', 'messagingProfiles.create', 'messagingProfiles.retrieve', 'messagingProfiles.update',
  'messagingProfiles.delete', 'messagingProfiles.listPhoneNumbers',
  'availablePhoneNumbers.list', 'numberOrders.create', 'numberOrders.list', 'numberOrders.retrieve',
  'phoneNumbers.list', 'phoneNumbers.retrieve', 'phoneNumbers.messaging.retrieve', 'phoneNumbers.messaging.update',
  'phoneNumbers.slimList', 'phoneNumbers.update', 'phoneNumbers.delete', 'phoneNumbers.messaging.list',
  'numberOrders.update', 'messagingProfiles.actions.regenerateSecret', 'messagingProfiles.listShortCodes',
  'messagingProfiles.listAlphanumericSenderIDs', 'messagingOptouts.list',
  'shortCodes.list', 'shortCodes.retrieve', 'shortCodes.update', 'messages.cancelScheduled', 'messages.schedule',
  'messages.sendGroupMms', 'messages.retrieveGroupMessages',
];
// Operations whose success the mock cannot reach (none at present).
const ERROR_ONLY = new Set([]);
// Operations that have no error answer but 401 (tested below for every operation).
const NO_OTHER_ERROR = new Set(['messagingOptouts.list', 'phoneNumbers.slimList', 'phoneNumbers.messaging.list',
  'shortCodes.list']);

test('messages: send endpoints and retrieve', async () => {
  const t = client();
  const numbers = await t.phoneNumbers.list();
  const from = numbers.data[0].phone_number;
  const profileId = (await t.messagingProfiles.list()).data[0].id;

  const sent = await ok('messages.send', t.messages.send({ from, to: DEST, text: 'Your code is 4821' }), S.one(S.outboundMessage));
  assert.equal(sent.data.to[0].status, 'queued');
  await ok('messages.send', t.messages.send({ from, to: DEST, media_urls: ['https://example.test/a.png'], subject: 'hi' }),
    S.one(S.outboundMessage));
  await ok('messages.send', t.messages.send({ from, to: DEST, text: 'Grüße ☃', webhook_url: 'http://127.0.0.1:9/x', tags: ['a'] }),
    S.one(S.outboundMessage));
  await ok('messages.sendLongCode', t.messages.sendLongCode({ from, to: DEST, text: 'long code' }), S.one(S.outboundMessage));
  await ok('messages.sendNumberPool', t.messages.sendNumberPool({ messaging_profile_id: profileId, to: DEST, text: 'pool' }),
    S.one(S.outboundMessage));
  await t.messagingProfiles.update(profileId, { alpha_sender: 'Acme' });
  await ok('messages.sendWithAlphanumericSender',
    t.messages.sendWithAlphanumericSender({ from: 'Acme', to: DEST, text: 'alpha', messaging_profile_id: profileId }),
    S.one(S.outboundMessage));
  const got = await ok('messages.retrieve', t.messages.retrieve(sent.data.id), S.one(S.outboundMessage));
  assert.equal(got.data.id, sent.data.id);

  await fails('messages.send', t.messages.send({ from, to: '12', text: 'x' }), 400, '40310');
  await fails('messages.send', t.messages.send({ from, to: DEST }), 400, '40316');
  await fails('messages.send', t.messages.send({ from, to: DEST, text: '€', encoding: 'gsm7' }), 400, '10015');
  await fails('messages.sendLongCode', t.messages.sendLongCode({ from: '+13125550999', to: DEST, text: 'x' }), 400, '40305');
  await fails('messages.sendShortCode', t.messages.sendShortCode({ from, to: DEST, text: 'x' }), 400, '40305');
  await fails('messages.sendShortCode', t.messages.sendShortCode({ from: '24273', to: DEST, text: 'x' }), 400, '40305');
  await fails('messages.sendNumberPool', t.messages.sendNumberPool({ messaging_profile_id: UNKNOWN_UUID, to: DEST, text: 'x' }),
    422, '10017');
  await fails('messages.sendWithAlphanumericSender',
    t.messages.sendWithAlphanumericSender({ from: 'Other', to: DEST, text: 'x', messaging_profile_id: profileId }), 400, '40307');
  await fails('messages.retrieve', t.messages.retrieve(UNKNOWN_UUID), 404, '10005');
  await fails('messages.cancelScheduled', t.messages.cancelScheduled(sent.data.id), 403, '10010');
  await fails('messages.cancelScheduled', t.messages.cancelScheduled(UNKNOWN_UUID), 404, '10005');
});

test('messages: group MMS', async () => {
  const t = client('KEYgroup');
  const from = (await t.phoneNumbers.list()).data[0].phone_number;
  const to = [DEST, '+13125550123'];
  const sent = await ok('messages.sendGroupMms',
    t.messages.sendGroupMms({ from, to, text: 'group hello', media_urls: ['https://example.test/a.png'] }),
    S.one(S.outboundMessage));
  assert.deepEqual(sent.data.to.map((r) => r.phone_number), to);
  const members = await ok('messages.retrieveGroupMessages', t.messages.retrieveGroupMessages(sent.data.id),
    S.groupMessages);
  assert.equal(members.data.length, 2);
  await ok('messages.retrieve', t.messages.retrieve(sent.data.id), S.one(S.outboundMessage));

  await fails('messages.sendGroupMms', t.messages.sendGroupMms({ from, to: [], text: 'x' }), 422, '10015');
  await fails('messages.sendGroupMms', t.messages.sendGroupMms({ from, to: Array(9).fill(DEST), text: 'x' }), 422, '10015');
  await fails('messages.sendGroupMms', t.messages.sendGroupMms({ from: '+13125550999', to, text: 'x' }), 400, '40305');
  await fails('messages.sendGroupMms', t.messages.sendGroupMms({ from, to }), 400, '40316');
  await fails('messages.retrieveGroupMessages', t.messages.retrieveGroupMessages(UNKNOWN_UUID), 404, '10005');
});

test('messages: schedule and cancel', async () => {
  const t = client('KEYschedule');
  const from = (await t.phoneNumbers.list()).data[0].phone_number;
  const inMinutes = (m) => new Date(Date.now() + m * 60_000).toISOString();
  const scheduled = await ok('messages.schedule',
    t.messages.schedule({ from, to: DEST, text: 'reminder', send_at: inMinutes(30) }), S.one(S.outboundMessage));
  assert.equal(scheduled.data.to[0].status, 'scheduled');
  const read = await ok('messages.retrieve', t.messages.retrieve(scheduled.data.id), S.one(S.outboundMessage));
  assert.equal(read.data.to[0].status, 'scheduled');
  const cancelled = await ok('messages.cancelScheduled', t.messages.cancelScheduled(scheduled.data.id), S.cancelledMessage);
  assert.equal(cancelled.id, scheduled.data.id);
  assert.equal(cancelled.to[0].status, 'cancelled');
  await fails('messages.cancelScheduled', t.messages.cancelScheduled(scheduled.data.id), 403, '10010');

  await fails('messages.schedule', t.messages.schedule({ from, to: DEST, text: 'x' }), 422, '10004');
  await fails('messages.schedule', t.messages.schedule({ from, to: DEST, text: 'x', send_at: 'soon' }), 400, '10015');
  await fails('messages.schedule', t.messages.schedule({ from, to: DEST, text: 'x', send_at: inMinutes(2) }), 422, '10015');
  await fails('messages.schedule', t.messages.schedule({ from, to: DEST, text: 'x', send_at: inMinutes(60 * 24 * 6) }),
    422, '10015');
  await fails('messages.schedule', t.messages.schedule({ from: '+13125550999', to: DEST, text: 'x', send_at: inMinutes(30) }),
    400, '40305');
});

test('messages: an inbound message read back', async () => {
  const t = client('KEYinbound');
  const to = (await t.phoneNumbers.list()).data[0].phone_number;
  const r = await fetch(`${mock.url}/_mock/inbound`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: DEST, to, text: 'hello there' }),
  });
  assert.equal(r.status, 200);
  const ids = await (await fetch(`${mock.url}/_mock/messages?api_key=KEYinbound&limit=1`)).json();
  const id = ids.data[0].id ?? ids.data[0].message?.id;
  const got = await ok('messages.retrieve', t.messages.retrieve(id), S.one(S.inboundMessage));
  assert.equal(got.data.direction, 'inbound');
});

test('messaging profiles', async () => {
  const t = client('KEYprofiles');
  const created = await ok('messagingProfiles.create', t.messagingProfiles.create({
    name: 'schema', whitelisted_destinations: ['US', 'CA'], daily_spend_limit: '25.00', daily_spend_limit_enabled: true,
    url_shortener_settings: { domain: 'acct.fyi', prefix: 'cmpny', replace_blacklist_only: true, send_webhooks: false },
    ai_assistant_id: 'assistant-1', health_webhook_url: 'https://example.test/health', resource_group_id: 'rg-1',
    number_pool_settings: { long_code_weight: 2, toll_free_weight: 1, skip_unhealthy: true, geomatch: false },
  }), S.one(S.messagingProfile));
  const id = created.data.id;
  assert.deepEqual(created.data.url_shortener_settings,
    { domain: 'acct.fyi', prefix: 'cmpny', replace_blacklist_only: true, send_webhooks: false });
  assert.equal(created.data.ai_assistant_id, 'assistant-1');
  assert.equal(created.data.health_webhook_url, 'https://example.test/health');
  assert.equal(created.data.resource_group_id, 'rg-1');
  assert.equal(created.data.daily_spend_limit, '25.00');
  await ok('messagingProfiles.list', t.messagingProfiles.list(), S.list(S.messagingProfile));
  await ok('messagingProfiles.list', t.messagingProfiles.list({ filter: { name: { contains: 'sch' } } }), S.list(S.messagingProfile));
  const got = await ok('messagingProfiles.retrieve', t.messagingProfiles.retrieve(id), S.one(S.messagingProfile));
  assert.equal(got.data.resource_group_id, 'rg-1');
  const up = await ok('messagingProfiles.update', t.messagingProfiles.update(id, {
    url_shortener_settings: null, ai_assistant_id: null, enabled: false,
  }), S.one(S.messagingProfile));
  assert.equal(up.data.url_shortener_settings, null);
  assert.equal(up.data.ai_assistant_id, null);
  await ok('messagingProfiles.listPhoneNumbers', t.messagingProfiles.listPhoneNumbers((await t.messagingProfiles.list()).data[0].id),
    S.list(S.messagingSettings));
  await ok('messagingProfiles.delete', t.messagingProfiles.delete(id), S.one(S.messagingProfile));

  await fails('messagingProfiles.create', t.messagingProfiles.create({ whitelisted_destinations: ['US'] }), 422, '10004');
  await fails('messagingProfiles.create', t.messagingProfiles.create({ name: 'x', whitelisted_destinations: ['US'],
    url_shortener_settings: { prefix: 'no-domain' } }), 400, '10015');
  await fails('messagingProfiles.list', t.messagingProfiles.list({ page: { size: 0 } }), 400, '10015');
  await fails('messagingProfiles.retrieve', t.messagingProfiles.retrieve(id), 404, '10005');
  await fails('messagingProfiles.update', t.messagingProfiles.update(UNKNOWN_UUID, { name: 'x' }), 404, '10005');
  await fails('messagingProfiles.delete', t.messagingProfiles.delete(UNKNOWN_UUID), 404, '10005');
  await fails('messagingProfiles.listPhoneNumbers', t.messagingProfiles.listPhoneNumbers(UNKNOWN_UUID), 404, '10005');
});

test('numbers: available, orders, owned numbers and their messaging settings', async () => {
  const t = client('KEYnumbers');
  const avail = await ok('availablePhoneNumbers.list',
    t.availablePhoneNumbers.list({ filter: { national_destination_code: '312', limit: 2 } }), S.availableList);
  const number = avail.data[0].phone_number;
  await fails('availablePhoneNumbers.list', t.availablePhoneNumbers.list({ filter: { limit: 0 } }), 400, '10015');

  const profileId = (await t.messagingProfiles.list()).data[0].id;
  const order = await ok('numberOrders.create', t.numberOrders.create({
    phone_numbers: [{ phone_number: number }], messaging_profile_id: profileId, customer_reference: 'ref-1',
  }), S.one(S.numberOrder));
  assert.equal(order.data.phone_numbers[0].country_iso_alpha2, 'US');
  await ok('numberOrders.retrieve', t.numberOrders.retrieve(order.data.id), S.one(S.numberOrder));
  const listed = await ok('numberOrders.list', t.numberOrders.list(), S.list(S.numberOrderListItem));
  assert.deepEqual(Object.keys(listed.data[0].phone_numbers[0]).sort(), ['id', 'phone_number']);
  await fails('numberOrders.create', t.numberOrders.create({ phone_numbers: [{ phone_number: number }] }), 422, '10012');
  await fails('numberOrders.create', t.numberOrders.create({}), 422, '10004');
  await fails('numberOrders.retrieve', t.numberOrders.retrieve(UNKNOWN_UUID), 404, '10005');
  await fails('numberOrders.list', t.numberOrders.list({ page: { number: 0 } }), 400, '10015');

  const numbers = await ok('phoneNumbers.list', t.phoneNumbers.list(), S.list(S.phoneNumber));
  const mine = numbers.data.find((n) => n.phone_number === number);
  assert.equal(mine.source_type, 'number_order');
  assert.equal(mine.customer_reference, 'ref-1');
  await fails('phoneNumbers.list', t.phoneNumbers.list({ filter: { phone_number: '1' } }), 400, '10015');
  const one = await ok('phoneNumbers.retrieve', t.phoneNumbers.retrieve(mine.id), S.one(S.phoneNumber));
  assert.equal(one.data.external_pin, null);
  assert.equal(one.data.deletion_lock_enabled, false);
  await fails('phoneNumbers.retrieve', t.phoneNumbers.retrieve('123'), 404, '10005');

  const settings = await ok('phoneNumbers.messaging.retrieve', t.phoneNumbers.messaging.retrieve(mine.id), S.one(S.messagingSettings));
  const sent = await t.messages.send({ from: number, to: DEST, text: 'org' });
  assert.equal(settings.data.organization_id, sent.data.organization_id);
  await fails('phoneNumbers.messaging.retrieve', t.phoneNumbers.messaging.retrieve('123'), 404, '10005');
  await ok('phoneNumbers.messaging.update', t.phoneNumbers.messaging.update(mine.id, { messaging_profile_id: '' }),
    S.one(S.messagingSettings));
  await fails('phoneNumbers.messaging.update', t.phoneNumbers.messaging.update(mine.id, { messaging_profile_id: UNKNOWN_UUID }),
    422, '10017');
});

test('numbers: slim list, update, delete, messaging list, order update', async () => {
  const t = client('KEYnumbers2');
  await ok('phoneNumbers.slimList', t.phoneNumbers.slimList(), S.list(S.phoneNumberSlim));
  const listed = await ok('phoneNumbers.messaging.list', t.phoneNumbers.messaging.list(), S.list(S.messagingSettings));
  assert.equal(listed.data.length, 3);
  const [first, second] = (await t.phoneNumbers.list()).data;

  const up = await ok('phoneNumbers.update', t.phoneNumbers.update(first.id, {
    tags: ['vip'], customer_reference: 'ref-2', external_pin: '1234', hd_voice_enabled: true,
  }), S.one(S.phoneNumber));
  assert.deepEqual(up.data.tags, ['vip']);
  assert.equal(up.data.external_pin, '1234');
  assert.equal(up.data.messaging_profile_id, first.messaging_profile_id);
  await fails('phoneNumbers.update', t.phoneNumbers.update(first.id, { tags: 'vip' }), 400, '10015');
  await fails('phoneNumbers.update', t.phoneNumbers.update('123', { tags: [] }), 404, '10005');

  const gone = await ok('phoneNumbers.delete', t.phoneNumbers.delete(second.id), S.one(S.phoneNumberDeleted));
  assert.equal(gone.data.phone_number, second.phone_number);
  await fails('phoneNumbers.delete', t.phoneNumbers.delete(second.id), 404, '10005');
  await fails('phoneNumbers.retrieve', t.phoneNumbers.retrieve(second.id), 404, '10005');
  // Sends from a released number fail, and it can be ordered again.
  await fails('messages.send', t.messages.send({ from: second.phone_number, to: DEST, text: 'x' }), 400, '40305');
  const order = await t.numberOrders.create({ phone_numbers: [{ phone_number: second.phone_number }] });
  const changed = await ok('numberOrders.update', t.numberOrders.update(order.data.id, { customer_reference: 'ref-3' }),
    S.one(S.numberOrder));
  assert.equal(changed.data.customer_reference, 'ref-3');
  await fails('numberOrders.update', t.numberOrders.update(order.data.id, { customer_reference: 7 }), 400, '10015');
  await fails('numberOrders.update', t.numberOrders.update(UNKNOWN_UUID, { customer_reference: 'x' }), 404, '10005');
});

test('profiles: regenerate secret, short codes, alphanumeric sender IDs', async () => {
  const t = client('KEYsecrets');
  const profile = (await t.messagingProfiles.list()).data[0];
  const fresh = await ok('messagingProfiles.actions.regenerateSecret',
    t.messagingProfiles.actions.regenerateSecret(profile.id), S.one(S.messagingProfile));
  assert.notEqual(fresh.data.v1_secret, profile.v1_secret);
  assert.equal((await t.messagingProfiles.retrieve(profile.id)).data.v1_secret, fresh.data.v1_secret);
  await fails('messagingProfiles.actions.regenerateSecret', t.messagingProfiles.actions.regenerateSecret(UNKNOWN_UUID),
    404, '10005');

  await t.messagingProfiles.update(profile.id, { alpha_sender: 'Acme' });
  const ids = await ok('messagingProfiles.listAlphanumericSenderIDs',
    t.messagingProfiles.listAlphanumericSenderIDs(profile.id), S.list(S.alphanumericSenderId));
  assert.equal(ids.data[0].alphanumeric_sender_id, 'Acme');
  await fails('messagingProfiles.listAlphanumericSenderIDs', t.messagingProfiles.listAlphanumericSenderIDs(UNKNOWN_UUID),
    404, '10005');

  // Short codes: the configured tenant owns one.
  const c = client('KEYacme', configured);
  const codes = await ok('messagingProfiles.listShortCodes', c.messagingProfiles.listShortCodes(CONFIG_PROFILE),
    S.list(S.shortCode));
  assert.equal(codes.data[0].short_code, SHORT_CODE);
  await fails('messagingProfiles.listShortCodes', c.messagingProfiles.listShortCodes(UNKNOWN_UUID), 404, '10005');
  const all = await ok('shortCodes.list', c.shortCodes.list(), S.list(S.shortCode));
  assert.equal(all.data.length, 1);
  const id = all.data[0].id;
  await ok('shortCodes.retrieve', c.shortCodes.retrieve(id), S.one(S.shortCode));
  await fails('shortCodes.retrieve', c.shortCodes.retrieve('123'), 404, '10005');
  const sent = await ok('messages.sendShortCode', c.messages.sendShortCode({ from: SHORT_CODE, to: DEST, text: 'code' }),
    S.one(S.outboundMessage));
  assert.equal(sent.data.from.phone_number, SHORT_CODE);
  const moved = await ok('shortCodes.update', c.shortCodes.update(id, { messaging_profile_id: '', tags: ['x'] }),
    S.one(S.shortCode));
  assert.equal(moved.data.messaging_profile_id, null);
  await fails('shortCodes.update', c.shortCodes.update(id, { messaging_profile_id: UNKNOWN_UUID }), 422, '10017');
  await fails('shortCodes.update', c.shortCodes.update('123', { messaging_profile_id: CONFIG_PROFILE }), 404, '10005');
  // Short codes are not phone numbers.
  assert.ok(!(await c.phoneNumbers.list()).data.some((n) => n.phone_number === SHORT_CODE));
});

test('opt-outs: STOP records one, later sends get 40300, START lifts it', async () => {
  const t = client('KEYoptout');
  const number = (await t.phoneNumbers.list()).data[0];
  const inbound = async (text) => {
    const r = await fetch(`${mock.url}/_mock/inbound`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: DEST, to: number.phone_number, text }),
    });
    assert.equal(r.status, 200);
  };
  await ok('messagingOptouts.list', t.messagingOptouts.list(), S.list(S.messagingOptout));
  await inbound(' Stop ');
  const listed = await ok('messagingOptouts.list', t.messagingOptouts.list({ filter: { from: DEST } }), S.list(S.messagingOptout));
  assert.equal(listed.data.length, 1);
  assert.equal(listed.data[0].messaging_profile_id, number.messaging_profile_id);
  assert.equal(listed.data[0].keyword, 'stop');
  await fails('messages.send', t.messages.send({ from: number.phone_number, to: DEST, text: 'x' }), 400, '40300');
  await inbound('START');
  assert.equal((await t.messagingOptouts.list()).data.length, 0);
  await ok('messages.send', t.messages.send({ from: number.phone_number, to: DEST, text: 'x' }), S.one(S.outboundMessage));
});

test('every operation answers 401 with the envelope for a bad key', async () => {
  const t = client('not-a-key');
  const calls = {
    'messages.send': () => t.messages.send({ from: '+13125550100', to: DEST, text: 'x' }),
    'messages.sendLongCode': () => t.messages.sendLongCode({ from: '+13125550100', to: DEST, text: 'x' }),
    'messages.sendShortCode': () => t.messages.sendShortCode({ from: '24273', to: DEST, text: 'x' }),
    'messages.sendNumberPool': () => t.messages.sendNumberPool({ messaging_profile_id: UNKNOWN_UUID, to: DEST, text: 'x' }),
    'messages.sendWithAlphanumericSender': () =>
      t.messages.sendWithAlphanumericSender({ from: 'Acme', to: DEST, text: 'x', messaging_profile_id: UNKNOWN_UUID }),
    'messages.retrieve': () => t.messages.retrieve(UNKNOWN_UUID),
    'messagingProfiles.list': () => t.messagingProfiles.list(),
    'messagingProfiles.create': () => t.messagingProfiles.create({ name: 'x', whitelisted_destinations: ['US'] }),
    'messagingProfiles.retrieve': () => t.messagingProfiles.retrieve(UNKNOWN_UUID),
    'messagingProfiles.update': () => t.messagingProfiles.update(UNKNOWN_UUID, { name: 'x' }),
    'messagingProfiles.delete': () => t.messagingProfiles.delete(UNKNOWN_UUID),
    'messagingProfiles.listPhoneNumbers': () => t.messagingProfiles.listPhoneNumbers(UNKNOWN_UUID),
    'availablePhoneNumbers.list': () => t.availablePhoneNumbers.list(),
    'numberOrders.create': () => t.numberOrders.create({ phone_numbers: [{ phone_number: '+13125550100' }] }),
    'numberOrders.list': () => t.numberOrders.list(),
    'numberOrders.retrieve': () => t.numberOrders.retrieve(UNKNOWN_UUID),
    'phoneNumbers.list': () => t.phoneNumbers.list(),
    'phoneNumbers.retrieve': () => t.phoneNumbers.retrieve('123'),
    'phoneNumbers.messaging.retrieve': () => t.phoneNumbers.messaging.retrieve('123'),
    'phoneNumbers.messaging.update': () => t.phoneNumbers.messaging.update('123', { messaging_profile_id: '' }),
    'phoneNumbers.slimList': () => t.phoneNumbers.slimList(),
    'phoneNumbers.update': () => t.phoneNumbers.update('123', { tags: [] }),
    'phoneNumbers.delete': () => t.phoneNumbers.delete('123'),
    'phoneNumbers.messaging.list': () => t.phoneNumbers.messaging.list(),
    'numberOrders.update': () => t.numberOrders.update(UNKNOWN_UUID, { customer_reference: 'x' }),
    'messagingProfiles.actions.regenerateSecret': () => t.messagingProfiles.actions.regenerateSecret(UNKNOWN_UUID),
    'messagingProfiles.listShortCodes': () => t.messagingProfiles.listShortCodes(UNKNOWN_UUID),
    'messagingProfiles.listAlphanumericSenderIDs': () => t.messagingProfiles.listAlphanumericSenderIDs(UNKNOWN_UUID),
    'messagingOptouts.list': () => t.messagingOptouts.list(),
    'shortCodes.list': () => t.shortCodes.list(),
    'shortCodes.retrieve': () => t.shortCodes.retrieve('123'),
    'shortCodes.update': () => t.shortCodes.update('123', { messaging_profile_id: UNKNOWN_UUID }),
    'messages.cancelScheduled': () => t.messages.cancelScheduled(UNKNOWN_UUID),
    'messages.sendGroupMms': () => t.messages.sendGroupMms({ from: '+13125550100', to: [DEST], text: 'x' }),
    'messages.retrieveGroupMessages': () => t.messages.retrieveGroupMessages(UNKNOWN_UUID),
    'messages.schedule': () => t.messages.schedule({ from: '+13125550100', to: DEST, text: 'x', send_at: '2030-01-01T00:00:00Z' }),
  };
  assert.deepEqual(Object.keys(calls).sort(), [...IMPLEMENTED].sort());
  for (const [op, call] of Object.entries(calls)) await fails(op, call(), 401, '10009');
  for (const op of NO_OTHER_ERROR) seenErr.add(op);   // 401 is their only error
});

test('unknown routes, out-of-scope families and unimplemented operations answer the 404 envelope', async () => {
  const t = client();
  const paths = [['post', '/messages/whatsapp'], ['post', '/messages/rcs'], ['get', '/10dlc/brand'],
    ['get', '/messaging_tollfree/verification/requests'], ['get', '/messaging_hosted_number_orders'],
    ['get', '/messaging/rcs/agents'], ['get', '/phone_numbers/voice']];
  for (const [method, p] of paths) {
    await assert.rejects(t[method](p, method === 'post' ? { body: {} } : undefined), (err) => {
      assert.equal(err.status, 404, `${method} ${p}`);
      validate(S.errorEnvelope, err.error, `${method} ${p}`);
      assert.equal(err.error.errors[0].code, '10005');
      return true;
    });
  }
});

test('every implemented operation was validated answering success and error', () => {
  for (const op of IMPLEMENTED) {
    if (!ERROR_ONLY.has(op)) assert.ok(seenOk.has(op), `${op}: no success response validated`);
    assert.ok(seenErr.has(op), `${op}: no error response validated`);
  }
});
