// Contract: a scenario PUT to /_mock/scenario applies to the very next request. The official
// Telnyx SDK (npm "telnyx", pinned) sends right after the PUT (no sleep, no polling in between)
// and sees the new behaviour: a scenario 429 arrives as RateLimitError with Retry-After and
// x-ratelimit-* headers, and each webhook chaos kind reaches a receiver that verifies every
// delivery with the SDK's own Ed25519 verification and the key from GET /_mock/keys.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import Telnyx from 'telnyx';
import { TelnyxWebhook } from 'telnyx/lib/webhooks';
import { startMock } from './start_mock.mjs';

let proc;
let url;
let publicKey;

// ---- a receiver on 127.0.0.1:0: /verify answers 2xx only to what the SDK verifies, /naive
// answers 2xx to everything (a receiver that does not check signatures) ----------------------
let receiver;
let receiverUrl;
let deliveries = [];
before(async () => {
  receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = false;
      try {
        await new TelnyxWebhook(publicKey).verify(body, req.headers);
        verified = true;
      } catch { /* recorded below */ }
      const event = JSON.parse(body);
      deliveries.push({ path: req.url, id: event.data.id, type: event.data.event_type,
        attempt: event.meta?.attempt, verified });
      const ok = verified || req.url === '/naive';
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}`;

  let info;
  ({ proc, info } = await startMock(['--seed', '5', '--log-level', 'error', '--quiet']));
  url = info.url;
  const keys = await (await fetch(`${url}/_mock/keys`)).json();
  const announced = info.webhook_public_key;
  assert.ok(JSON.stringify(keys).includes(announced), 'GET /_mock/keys publishes the key');
  publicKey = announced;
});

after(() => {
  if (proc) proc.kill('SIGTERM');
  receiver.close();
});

beforeEach(async () => {
  deliveries = [];
  const r = await fetch(`${url}/_mock/reset`, { method: 'POST' });
  assert.equal(r.status, 200);
});

const client = (key) => new Telnyx({ apiKey: key, baseURL: url + '/v2', maxRetries: 0 });

async function putScenario(yaml) {
  const r = await fetch(`${url}/_mock/scenario`, { method: 'PUT', body: yaml });
  assert.equal(r.status, 200, await r.text());
}

// Webhook scenario with one chaos kind; short timings and retry backoff keep the test fast.
const chaosScenario = (name, chaos) => `name: ${name}
webhooks:
  timing: { sent_after: 5ms, finalized_after: 30ms }
  chaos: { ${chaos} }
  delivery: { timeout: 2s, attempts_per_url: 3, backoff: [50ms, 50ms] }
  signing: [ed25519]
`;

async function sendAfterScenario(name, chaos, key, hookPath) {
  const t = client(key);
  const from = (await t.phoneNumbers.list()).data[0].phone_number; // tenant exists before the PUT
  await putScenario(chaosScenario(name, chaos));
  const id = (await t.messages.send({ from, to: '+17735550188', text: 'scenario contract',
    webhook_url: `${receiverUrl}${hookPath}`, use_profile_webhooks: false })).data.id;
  const w = await fetch(`${url}/_mock/wait?until=webhooks_idle&timeout=20s`, { method: 'POST' });
  assert.equal(w.status, 200, await w.text());
  return id;
}

async function attempts(messageId) {
  return (await (await fetch(`${url}/_mock/webhooks?message_id=${messageId}`)).json()).data;
}

async function report() {
  return (await (await fetch(`${url}/_mock/report`)).json()).verdicts;
}

const headerOf = (headers, name) =>
  (typeof headers?.get === 'function' ? headers.get(name) : headers?.[name]) ?? undefined;

test('scenario 429 applies to the send right after the PUT: RateLimitError with rate-limit headers', async () => {
  const t = client('KEYscenario429');
  const from = (await t.phoneNumbers.list()).data[0].phone_number;
  await putScenario(`name: throttle
rules:
  - name: throttle-sends
    match: { method: POST, path: /v2/messages }
    respond: { status: 429, error: 10011, headers: { Retry-After: "3" } }
`);
  await assert.rejects(t.messages.send({ from, to: '+17735550188', text: 'throttled' }), (err) => {
    assert.ok(err instanceof Telnyx.RateLimitError, `expected RateLimitError, got ${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.status, 429);
    assert.equal(err.error.errors[0].code, '10011');
    assert.equal(headerOf(err.headers, 'retry-after'), '3');
    for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
      assert.ok(headerOf(err.headers, h) !== undefined, `${h} missing`);
    }
    return true;
  });
  // Back to the default: the same send passes at once.
  assert.equal((await fetch(`${url}/_mock/scenario`, { method: 'DELETE' })).status, 200);
  const sent = await t.messages.send({ from, to: '+17735550188', text: 'throttled' });
  assert.equal(sent.data.to[0].status, 'queued');
});

test('chaos duplicate: every event id arrives twice, both verified', async () => {
  const id = await sendAfterScenario('dup', 'duplicate: 1.0', 'KEYscenariodup', '/verify');
  const got = deliveries.filter((d) => d.path === '/verify');
  assert.equal(got.length, 4, JSON.stringify(got));
  assert.ok(got.every((d) => d.verified));
  const byId = new Map();
  for (const d of got) byId.set(d.id, (byId.get(d.id) ?? 0) + 1);
  assert.deepEqual([...byId.values()], [2, 2]);
  const recs = await attempts(id);
  assert.ok(recs.every((r) => r.chaos.includes('duplicate')));
});

test('chaos reorder: message.finalized arrives before message.sent', async () => {
  await sendAfterScenario('reorder', 'reorder: 1.0', 'KEYscenarioreorder', '/verify');
  const got = deliveries.filter((d) => d.path === '/verify');
  assert.deepEqual(got.map((d) => d.type), ['message.finalized', 'message.sent']);
  assert.ok(got.every((d) => d.verified));
});

for (const kind of ['bad_signature', 'stale_timestamp']) {
  test(`chaos ${kind}: first attempt fails SDK verification, the retry verifies`, async () => {
    const id = await sendAfterScenario(kind, `${kind}: 1.0`, `KEYscenario${kind}`, '/verify');
    const got = deliveries.filter((d) => d.path === '/verify');
    const ids = [...new Set(got.map((d) => d.id))];
    assert.equal(ids.length, 2, 'message.sent and message.finalized');
    for (const eventId of ids) {
      const tries = got.filter((d) => d.id === eventId);
      assert.deepEqual(tries.map((d) => d.verified), [false, true], `${eventId}: ${JSON.stringify(tries)}`);
    }
    const recs = await attempts(id);
    assert.equal(recs.filter((r) => r.corrupted.includes(kind)).length, 2);
    const v = await report();
    assert.equal(v.forged_webhooks_accepted.count, 0);
    assert.equal(v.valid_webhooks_rejected.count, 0);

    // The same chaos against a receiver that accepts everything is caught by the report.
    await sendAfterScenario(kind, `${kind}: 1.0`, `KEYscenario${kind}`, '/naive');
    assert.equal((await report()).forged_webhooks_accepted.count, 2);
  });
}

test('chaos drop: the events never arrive', async () => {
  const id = await sendAfterScenario('drop', 'drop: 1.0', 'KEYscenariodrop', '/verify');
  assert.equal(deliveries.length, 0);
  const r = await (await fetch(`${url}/_mock/webhooks?message_id=${id}`)).json();
  assert.equal(r.stats.chaos.drop, 2, JSON.stringify(r.stats));
});
