// The helper against the real telnyx-mock binary (node --test).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  MockError, TelnyxMock, VerifyError, WebhookTimeout, findBinary, startMock, withReport,
} from '../index.js';
import { startReceiver } from './support/receiver.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('a mock per test', () => {
  let mock;
  let receiver;
  beforeEach(async () => {
    mock = await startMock();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    await mock.close();
  });

  test('starts on a free port and reads the start-up line', async () => {
    assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(mock.port, 12111);
    assert.equal(mock.baseUrl, `${mock.url}/v2`);
    assert.equal(Buffer.from(mock.webhookPublicKey, 'base64').length, 32);
    assert.equal((await mock.health()).status, 'ok');
    assert.ok(Number.isInteger(mock.seed));
  });

  test('loads scenarios by name, path and text; a bad one names line and column', async () => {
    assert.equal((await mock.loadScenario('rate-limit-storm')).loaded, 'rate-limit-storm');
    assert.equal((await mock.loadScenario(join(REPO, 'scenarios', 'lost-response-duplicate-trap.yaml'))).loaded,
      'lost-response-duplicate-trap');
    assert.equal((await mock.loadScenario('name: inline\nrules: []\n')).loaded, 'inline');
    await assert.rejects(mock.loadScenario('name: bad\nrules:\n  - fault: sideways\n'),
      (e) => e instanceof MockError && /scenario refused: .*:\d+:\d+/.test(e.message));
    await assert.rejects(mock.loadScenario('no-such-scenario'), /no ready scenario/);
    await mock.clearScenario();
  });

  test('verify passes, and fails with the failures', async () => {
    await mock.send('+17735550188', 'code 1');
    assert.equal((await mock.verify({ duplicates: 0 })).ok, true);
    await mock.send('+17735550188', 'code 1');
    await assert.rejects(mock.verify({ duplicates: 0, retry_after_violations: 0 }), (e) => {
      assert.ok(e instanceof VerifyError);
      assert.ok(e.failures.length > 0);
      assert.match(e.message, /duplicates/);
      return true;
    });
    assert.equal((await mock.verify({ duplicates: 1 })).ok, true);
    assert.equal((await mock.report()).verdicts.duplicates.count, 1);
  });

  test('verify withinMs waits then fails; webhooksIdle waits for the webhooks first', async () => {
    await mock.send('+17735550188', 'only once');
    await assert.rejects(mock.verify({ duplicates: 1 }, { withinMs: 300 }),
      (e) => e instanceof VerifyError && e.failures[0].actual === 0);
    const msg = await mock.send('+15005550001', 'idle', { webhook_url: receiver.url });
    assert.equal((await mock.verify({ duplicates: 0 }, { webhooksIdle: true, withinMs: 30000 })).ok, true);
    assert.deepEqual(receiver.eventTypes(msg.id), ['message.sent', 'message.finalized']);
  });

  test('reset clears messages and verdicts', async () => {
    await mock.send('+17735550188', 'again');
    await mock.send('+17735550188', 'again');
    assert.equal((await mock.report()).verdicts.duplicates.count, 1);
    await mock.reset();
    assert.deepEqual(await mock.messages(), []);
    assert.equal((await mock.report()).verdicts.duplicates.count, 0);
  });

  test('listings over the page cap are gathered page by page', async () => {
    const sent = [];
    for (let i = 0; i < 1005; i++) sent.push((await mock.send(`+1773555${String(i).padStart(4, '0')}`, `page ${i}`)).id);
    assert.equal((await mock.messages()).length, 100);              // the mock's default page
    assert.equal((await mock.messages({ limit: 1000 })).length, 1000);
    const every = await mock.messages({ limit: 5000 });             // two pages, then no cursor
    assert.deepEqual(every.map((m) => m.message.id), sent.reverse());       // newest first, none twice
    assert.equal((await mock.requests({ path: '/v2/messages', limit: 1003 })).length, 1003);
  });

  test('waitForWebhooks returns once every event is delivered', async () => {
    const msg = await mock.send('+15005550001', 'hello', { webhook_url: receiver.url });
    const stats = await mock.waitForWebhooks({ timeoutMs: 30000 });
    assert.deepEqual(receiver.eventTypes(msg.id), ['message.sent', 'message.finalized']);
    assert.equal(stats.events_delivered, 2);
    assert.equal(await mock.pendingWebhooks(), 0);
  });

  test('waitForWebhooks times out while the receiver holds', async () => {
    receiver.hold();
    await mock.send('+15005550001', 'held', { webhook_url: receiver.url });
    await assert.rejects(mock.waitForWebhooks({ timeoutMs: 200 }),
      (e) => e instanceof WebhookTimeout && /still pending/.test(e.message));
    receiver.release();
    await mock.waitForWebhooks({ timeoutMs: 30000 });
    assert.ok(receiver.eventTypes().includes('message.finalized'));
  });

  test('inbound reaches the profile webhook', async () => {
    const { body } = await mock.request('GET', '/v2/messaging_profiles', undefined, { apiKey: mock.apiKey });
    await mock.request('PATCH', `/v2/messaging_profiles/${body.data[0].id}`, { webhook_url: receiver.url },
      { apiKey: mock.apiKey });
    const msg = await mock.inbound('STOP');
    assert.equal(msg.direction, 'inbound');
    assert.equal(msg.to[0].phone_number, (await mock.numbers())[0]);
    await mock.waitForWebhooks({ timeoutMs: 30000 });
    assert.deepEqual(receiver.eventTypes(), ['message.received']);
    assert.equal(receiver.events[0].body.data.payload.text, 'STOP');
  });

  test('inbound to a number nobody owns is refused', async () => {
    await assert.rejects(mock.inbound('hi', { to: '+13125559999' }), /HTTP 404/);
  });

  test('withReport adds the report to a failure and passes results through', async () => {
    assert.equal(await withReport(mock, async () => 42), 42);
    await mock.send('+17735550188', 'twice');
    await mock.send('+17735550188', 'twice');
    await assert.rejects(withReport(mock, (m) => m.verify({ duplicates: 0 })), (e) => {
      assert.ok(e instanceof VerifyError);
      assert.match(e.message, /telnyx-mock at http:\/\/127\.0\.0\.1:\d+, seed \d+ \(TELNYX_MOCK_SEED=\d+ to repeat\)/);
      assert.match(e.message, /report: \{/);
      assert.match(e.message, /"duplicates"/);
      assert.match(e.message, /webhooks: \{/);
      assert.match(e.message, /log:\n/);
      return true;
    });
  });

  test('advanceClock past send_at fires a scheduled message', async () => {
    const start = await mock.clock();
    assert.equal(start.offset_seconds, 0);
    assert.equal(start.advanceable, true);
    const sendAt = new Date(Date.parse(start.now) + 10 * 60 * 1000).toISOString();
    const msg = await mock.send('+15005550001', 'in ten minutes', { send_at: sendAt, webhook_url: receiver.url });
    assert.equal(msg.to[0].status, 'scheduled');
    assert.equal((await mock.advanceClock(540)).scheduled_fired, 0);
    const due = await mock.advanceClock('2m');
    assert.equal(due.scheduled_fired, 1);
    assert.equal(due.offset_seconds, 660);
    assert.ok(Date.parse(due.now) >= Date.parse(sendAt));
    const { status, body } = await mock.request('GET', `/v2/messages/${msg.id}`, undefined, { apiKey: mock.apiKey });
    assert.equal(status, 200);
    assert.notEqual(body.data.to[0].status, 'scheduled');
    await mock.waitForWebhooks({ timeoutMs: 30000 });
    assert.deepEqual(receiver.eventTypes(msg.id), ['message.sent', 'message.finalized']);
  });

  test('advanceClock refusals reject with MockError and move nothing', async () => {
    await assert.rejects(mock.advanceClock(-60), (e) => e instanceof MockError && /HTTP 422.*only moves forward/.test(e.message));
    await assert.rejects(mock.advanceClock('soon'), (e) => e instanceof MockError && /HTTP 400.*not a duration/.test(e.message));
    assert.equal((await mock.clock()).offset_seconds, 0);
  });
});

describe('start-up', () => {
  test('two mocks get their own port and seed; a fixed seed repeats the numbers', async () => {
    const a = await TelnyxMock.start();
    const b = await TelnyxMock.start();
    const c = await TelnyxMock.start({ seed: a.seed });
    try {
      assert.notEqual(a.port, b.port);
      assert.notEqual(a.seed, b.seed);
      assert.notDeepEqual(await a.numbers(), await b.numbers());
      assert.deepEqual(await a.numbers(), await c.numbers());
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  test('admin token goes with control requests', async () => {
    const m = await TelnyxMock.start({ adminToken: 's3cret' });
    try {
      assert.equal((await m.health()).status, 'ok');
      assert.equal((await new TelnyxMock(m.url).request('GET', '/_mock/health')).status, 401);
    } finally {
      await m.close();
    }
  });

  test('a missing binary is a clear error', async () => {
    const saved = process.env.TELNYX_MOCK_BIN;
    process.env.TELNYX_MOCK_BIN = '/nonexistent/telnyx-mock';
    try {
      assert.throws(() => findBinary(), /not an executable file/);
      await assert.rejects(startMock(), /TELNYX_MOCK_BIN=\/nonexistent\/telnyx-mock/);
    } finally {
      if (saved === undefined) delete process.env.TELNYX_MOCK_BIN; else process.env.TELNYX_MOCK_BIN = saved;
    }
  });

  test('a binary that exits is reported with its message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-mock-'));
    const fake = join(dir, 'telnyx-mock');
    writeFileSync(fake, "#!/bin/sh\necho 'cannot listen on 127.0.0.1:0' >&2\nexit 1\n");
    chmodSync(fake, 0o755);
    try {
      await assert.rejects(TelnyxMock.start({ binary: fake }), /did not start \(exit 1\): cannot listen/);
      await assert.rejects(TelnyxMock.start({ args: ['--no-such-flag'] }), /did not start \(exit 2\).*--no-such-flag/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('stop ends the process cleanly', async () => {
    const m = await TelnyxMock.start();
    assert.ok(m.running);
    assert.equal(await m.stop(), 0);
    await assert.rejects(m.health(), MockError);
    await m.close();
  });
});

describe('TELNYX_MOCK_URL', () => {
  let running;
  before(async () => { running = await TelnyxMock.start(); });
  after(async () => { await running.close(); });

  test('startMock attaches to the running mock and resets it', async () => {
    await running.send('+17735550188', 'before');
    await running.loadScenario('rate-limit-storm');
    process.env.TELNYX_MOCK_URL = running.url;
    try {
      const m = await startMock();
      assert.equal(m.url, running.url);
      assert.equal(m.webhookPublicKey, running.webhookPublicKey);
      assert.deepEqual(await m.messages(), []);
      assert.notEqual((await m.request('GET', '/_mock/scenario')).body.name, 'rate-limit-storm');
      await m.close();   // does not stop a mock it did not start
      assert.equal((await running.health()).status, 'ok');
    } finally {
      delete process.env.TELNYX_MOCK_URL;
    }
  });

  test('an unreachable URL is a clear error', async () => {
    const closed = await new Promise((r) => {   // a port nothing listens on
      const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => r(port)); });
    });
    await assert.rejects(startMock({ url: `http://127.0.0.1:${closed}` }),
      new RegExp(`GET http://127\\.0\\.0\\.1:${closed}/_mock/keys: ECONNREFUSED`));
  });
});
