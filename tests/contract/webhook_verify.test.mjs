// Contract: webhooks delivered by telnyx-mock are verified by the official Telnyx SDK
// (npm "telnyx", pinned): every genuine message.sent / message.finalized is accepted by
// TelnyxWebhook.verify and client.webhooks.unwrap, and every event the webhook engine sent with
// bad_signature or stale_timestamp chaos is rejected (contract §7.4).
// Run 1 uses the telnyx-mock binary without chaos; run 2 a mock whose chaos is set by flags
// (tests/integration/webhook/chaos_mock_main.cpp), and GET /_mock/webhooks says which events
// carried which chaos.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Telnyx from 'telnyx';
import { TelnyxWebhook, TelnyxWebhookVerificationError } from 'telnyx/lib/webhooks';

const binaryDir = process.env.HARNESS_BINARY_DIR;
assert.ok(binaryDir, 'HARNESS_BINARY_DIR must be set (ctest sets it)');
const mockBinary = path.join(binaryDir, 'mock-server', 'telnyx-mock');
const chaosBinary = path.join(binaryDir, 'tests', 'integration', 'webhook', 'webhook_chaos_mock');

// ---- a receiver on 127.0.0.1:0 that keeps the raw body and headers of every delivery --------
let receiver;
let receiverUrl;
const deliveries = [];
before(async () => {
  receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ path: req.url, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');   // always 2xx: one delivery per event, whatever the verifier says
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}`;
});
after(() => receiver.close());

// ---- mock processes -----------------------------------------------------------------------
async function startMock(binary, args) {
  const proc = spawn(binary, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const rl = createInterface({ input: proc.stdout });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${binary}: no start-up line`)), 15000);
    rl.once('line', (l) => { clearTimeout(timer); resolve(l); });
    proc.once('exit', (code) => reject(new Error(`${binary} exited with ${code}`)));
  });
  const m = /^telnyx-mock listening (\{.*\})$/.exec(line);
  assert.ok(m, `unexpected start-up line: ${line}`);
  const info = JSON.parse(m[1]);
  return { proc, url: info.url, publicKey: info.webhook_public_key };
}

function stopMock(mock) {
  if (!mock) return;
  mock.proc.stdin.end();     // the chaos helper exits when stdin closes
  mock.proc.kill('SIGTERM'); // telnyx-mock exits on SIGTERM
}

async function sendMessages(mock, apiKey, hookPath, count) {
  const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const numbers = await (await fetch(`${mock.url}/v2/phone_numbers`, { headers: auth })).json();
  const from = numbers.data[0].phone_number;
  const ids = [];
  for (let i = 0; i < count; i++) {
    const r = await fetch(`${mock.url}/v2/messages`, {
      method: 'POST', headers: auth,
      body: JSON.stringify({ from, to: '+17735550188', text: `contract ${i}`,
        webhook_url: `${receiverUrl}${hookPath}`, use_profile_webhooks: false }),
    });
    assert.equal(r.status, 200);
    ids.push((await r.json()).data.id);
  }
  return ids;
}

async function waitFor(pred, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return pred();
}

const onPath = (p) => deliveries.filter((d) => d.path === p);
const verifier = (key) => new TelnyxWebhook(key);
const client = new Telnyx({ apiKey: 'KEY_contract_webhooks' });

// ---- run 1: genuine events from the telnyx-mock binary ------------------------------------
test('telnyx-mock: every genuine event passes the official verifier', async (t) => {
  assert.ok(existsSync(mockBinary), `not built: ${mockBinary}`);
  // With the fixed test key when the fixture exists (--signing-key), so the published key is known.
  const sourceDir = process.env.HARNESS_SOURCE_DIR;
  const keyFile = sourceDir ? path.join(sourceDir, 'fixtures', 'keys', 'test_ed25519.pem') : '';
  const pubFile = sourceDir ? path.join(sourceDir, 'fixtures', 'keys', 'test_ed25519.pub.b64') : '';
  const useFixture = keyFile && existsSync(keyFile) && existsSync(pubFile);
  const args = ['--port', '0', '--seed', '7', '--log-level', 'error'];
  if (useFixture) args.push('--signing-key', keyFile);
  const mock = await startMock(mockBinary, args);
  t.after(() => stopMock(mock));
  if (useFixture) assert.equal(mock.publicKey, readFileSync(pubFile, 'utf8').trim());
  const keys = await (await fetch(`${mock.url}/_mock/keys`)).json();
  assert.ok(JSON.stringify(keys).includes(mock.publicKey), 'GET /_mock/keys publishes the start-up key');

  const ids = await sendMessages(mock, 'KEYcontractgenuine', '/genuine', 10);
  assert.ok(await waitFor(() => onPath('/genuine').length >= 20), 'both events of every message arrive');
  const got = onPath('/genuine');
  assert.equal(got.length, 20);
  const types = new Map();
  for (const d of got) {
    await verifier(mock.publicKey).verify(d.body, d.headers);
    const event = await client.webhooks.unwrap(d.body, { headers: d.headers, key: mock.publicKey });
    assert.equal(event.data.record_type, 'event');
    assert.ok(ids.includes(event.data.payload.id));
    assert.equal(event.meta.attempt, 1);
    assert.equal(event.meta.delivered_to, `${receiverUrl}/genuine`);
    types.set(event.data.event_type, (types.get(event.data.event_type) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(types), { 'message.sent': 10, 'message.finalized': 10 });

  // A body re-serialised by a careless receiver no longer verifies.
  const d = got[0];
  const reserialised = JSON.stringify(JSON.parse(d.body), null, 1);
  await assert.rejects(verifier(mock.publicKey).verify(reserialised, d.headers), TelnyxWebhookVerificationError);
});

// ---- run 2: chaos; the verifier must reject exactly the forged events ---------------------
test('chaos: bad_signature and stale_timestamp events are rejected, the rest accepted', async (t) => {
  assert.ok(existsSync(chaosBinary), `not built: ${chaosBinary}`);
  const mock = await startMock(chaosBinary, ['--bad-signature', '0.3', '--stale-timestamp', '0.3', '--seed', '11']);
  t.after(() => stopMock(mock));
  const ids = await sendMessages(mock, 'KEYcontractchaos', '/chaos', 30);
  assert.ok(await waitFor(() => onPath('/chaos').length >= 60), 'every event is delivered once');

  // Which chaos each event carried, from the mock's own records.
  const chaosOf = new Map();
  for (const id of ids) {
    const r = await (await fetch(`${mock.url}/_mock/webhooks?message_id=${id}`)).json();
    for (const rec of r.data) chaosOf.set(rec.event_id, rec.chaos);
  }
  const counts = { genuine: 0, bad_signature: 0, stale_timestamp: 0 };
  for (const d of onPath('/chaos')) {
    const eventId = JSON.parse(d.body).data.id;
    const chaos = chaosOf.get(eventId);
    assert.ok(chaos, `no record for event ${eventId}`);
    const forged = chaos.includes('bad_signature') || chaos.includes('stale_timestamp');
    if (forged) {
      await assert.rejects(verifier(mock.publicKey).verify(d.body, d.headers), TelnyxWebhookVerificationError,
        `event ${eventId} with ${chaos} must be rejected`);
      await assert.rejects(client.webhooks.unwrap(d.body, { headers: d.headers, key: mock.publicKey }));
      for (const k of ['bad_signature', 'stale_timestamp']) if (chaos.includes(k)) counts[k]++;
      if (chaos.includes('stale_timestamp')) {
        assert.ok(Number(d.headers['telnyx-timestamp']) < Date.now() / 1000 - 300);
      }
    } else {
      await verifier(mock.publicKey).verify(d.body, d.headers);
      counts.genuine++;
    }
  }
  // The seed gives a mix; every kind must actually have been exercised.
  assert.ok(counts.genuine > 0 && counts.bad_signature > 0 && counts.stale_timestamp > 0, JSON.stringify(counts));
  const stats = (await (await fetch(`${mock.url}/_mock/webhooks?limit=1`)).json()).stats;
  assert.equal(stats.chaos.bad_signature, counts.bad_signature);
  assert.equal(stats.chaos.stale_timestamp, counts.stale_timestamp);
});
