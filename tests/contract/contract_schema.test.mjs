// Contract test: every operation telnyx-mock implements, called through the official SDK's method
// for it, and every response, success and error, validated against the schemas in
// schemas/messaging.mjs: no missing, extra, mistyped or out-of-enum field. The last test checks
// that each implemented operation was seen answering both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import Telnyx from 'telnyx';
import { startMock } from './start_mock.mjs';
import * as S from './schemas/messaging.mjs';

const ajv = new Ajv({ allErrors: true, strict: true });
const compiled = new Map();
function validate(schema, body, label) {
  if (!compiled.has(schema)) compiled.set(schema, ajv.compile(schema));
  const v = compiled.get(schema);
  if (!v(body)) {
    assert.fail(`${label}: response does not match the schema:\n${ajv.errorsText(v.errors, { separator: '\n' })}\n` +
      `body: ${JSON.stringify(body).slice(0, 2000)}`);
  }
}

let mock;
let proc;
before(async () => {
  let info;
  ({ proc, info } = await startMock(['--seed', '15', '--log-level', 'error']));
  mock = info;
});
after(() => proc?.kill('SIGTERM'));

const client = (key = 'KEYschema') => new Telnyx({ apiKey: key, baseURL: mock.url + '/v2', maxRetries: 0 });
const seenOk = new Set();
const seenErr = new Set();

// A successful call: HTTP 200 and a body matching `schema`. Returns the body.
async function ok(op, promise, schema) {
  const res = await promise.asResponse();
  const body = await res.json();
  assert.equal(res.status, 200, `${op}: status ${res.status} ${JSON.stringify(body)}`);
  validate(schema, body, op);
  seenOk.add(op);
  return body;
}

// A failing call: the SDK's APIError with `status`, a body matching the error envelope, `code`.
async function fails(op, promise, status, code) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Telnyx.APIError, `${op}: expected an APIError, got ${err}`);
    assert.equal(err.status, status, `${op}: ${JSON.stringify(err.error)}`);
    validate(S.errorEnvelope, err.error, `${op} (error ${status})`);
    assert.equal(err.error.errors[0].code, code, `${op}: ${JSON.stringify(err.error)}`);
    return true;
  });
  seenErr.add(op);
}

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
];
// Operations whose success cannot be reached in the mock (no short codes are owned).
const ERROR_ONLY = new Set(['messages.sendShortCode']);

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
  };
  assert.deepEqual(Object.keys(calls).sort(), [...IMPLEMENTED].sort());
  for (const [op, call] of Object.entries(calls)) await fails(op, call(), 401, '10009');
});

test('unknown routes, including out-of-scope families, answer the 404 envelope', async () => {
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
