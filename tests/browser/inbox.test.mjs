// The inbox page (GET /_mock/ui) driven in headless Chromium against a real telnyx-mock on
// 127.0.0.1 and a real webhook receiver: a send through the API appears live (Server-Sent
// Events, no reload), texting the app as the customer makes its receiver get message.received,
// a failing webhook shows its attempts, a bad customer number shows the mock's error, and the
// admin token is asked for and honoured.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { startMock } from '../contract/start_mock.mjs';
import { launch } from './cdp.mjs';

// A webhook receiver that records every event and answers `status`.
async function receiver(status = 200) {
  const events = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      try { events.push(JSON.parse(body)); } catch { events.push({ unparsable: body }); }
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { events, url: `http://127.0.0.1:${server.address().port}/hooks`, close: () => new Promise((ok) => { server.close(ok); server.closeAllConnections(); }) };
}

function config(okUrl, failingUrl) {
  return `tenants:
  - name: dealer
    api_keys: [KEYdealer]
    profiles:
      - name: main
        webhook_url: ${okUrl}
        numbers: ["+13125550147"]
      - name: broken
        webhook_url: ${failingUrl}
        numbers: ["+13125550148"]
`;
}

let browser, hooks, failing, mock, configPath;

before(async () => {
  hooks = await receiver(200);
  failing = await receiver(500);
  configPath = `${process.env.TMPDIR ?? '/tmp'}/inbox-browser-${process.pid}.yaml`;
  writeFileSync(configPath, config(hooks.url, failing.url));
  mock = await startMock(['--config', configPath, '--quiet']);
  browser = await launch();
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    mock?.proc.kill('SIGTERM');
    await hooks?.close();
    await failing?.close();
  }
});

async function openInbox(url = mock.info.url, onDialog) {
  const page = await browser.open(`${url}/_mock/ui`, onDialog);
  await page.waitFor(`document.getElementById('mode')?.textContent === 'live'`, 'the live stream');
  return page;
}

async function apiSend(body, key = 'KEYdealer') {
  const r = await fetch(`${mock.info.url}/v2/messages`, {
    method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()).data;
}

test('a send through the API appears in its conversation without a reload', async () => {
  const page = await openInbox();
  await page.eval('window.__sameDocument = true');
  const sent = await apiSend({ from: '+13125550147', to: '+17735550101', text: 'Your car is ready' });
  await page.waitFor(`document.querySelector('.msg[data-id="${sent.id}"]')`, 'the message bubble');
  assert.equal(await page.eval(`document.querySelector('.msg[data-id="${sent.id}"] .text').textContent`), 'Your car is ready');
  assert.equal(await page.eval('window.__sameDocument'), true, 'the page was reloaded');
  assert.equal(await page.eval(`document.getElementById('mode').textContent`), 'live');
  // The status badge follows the webhook engine's lifecycle, still without a reload.
  await page.waitFor(`document.querySelector('.msg[data-id="${sent.id}"]').dataset.status === 'delivered'`, 'the delivered badge');
  assert.deepEqual(page.errors, []);
});

test('the new-conversation form texts the app: its receiver gets message.received', async () => {
  const page = await openInbox();
  await page.waitFor(`[...document.getElementById('ours').options].some((o) => o.value === '+13125550147')`, "the tenant's numbers");
  await page.eval(`(() => {
    document.getElementById('ours').value = '+13125550147';
    document.getElementById('theirs').value = '+17735550123';
    document.getElementById('ntext').value = 'Is my car ready?';
    document.getElementById('nsend').click();
  })()`);
  await page.waitFor(`[...document.querySelectorAll('.msg.in .text')].some((e) => e.textContent === 'Is my car ready?')`, 'the inbound bubble');
  const deadline = Date.now() + 5000;
  let got;
  while (!(got = hooks.events.find((e) => e.data?.event_type === 'message.received' && e.data.payload.text === 'Is my car ready?'))) {
    assert.ok(Date.now() < deadline, 'the receiver never got message.received');
    await new Promise((ok) => setTimeout(ok, 25));
  }
  assert.equal(got.data.payload.from.phone_number, '+17735550123');
  assert.equal(got.data.payload.to[0].phone_number, '+13125550147');
  // The reply box texts the same conversation.
  await page.eval(`(() => { document.getElementById('text').value = 'STOP please'; document.getElementById('send').click(); })()`);
  await page.waitFor(`[...document.querySelectorAll('.msg.in .text')].some((e) => e.textContent === 'STOP please')`, 'the reply bubble');
  assert.equal(await page.eval(`document.getElementById('nerr').textContent`), '');
  assert.deepEqual(page.errors, []);
});

test('a failing webhook shows its attempts, and they can be redelivered', async () => {
  const page = await openInbox();
  const sent = await apiSend({ from: '+13125550148', to: '+17735550102', text: 'Service reminder' });
  const conv = `.conv[data-key="+13125550148|+17735550102"]`;
  await page.waitFor(`document.querySelector('${conv}')`, 'the new conversation in the list');
  await page.eval(`document.querySelector('${conv}').click()`);
  await page.waitFor(`document.querySelector('.msg[data-id="${sent.id}"] .attempts .bad')`, 'a failed attempt under the bubble');
  assert.match(await page.eval(`document.querySelector('.msg[data-id="${sent.id}"] .attempts').textContent`), /→ 500/);
  await page.eval(`document.querySelector('.msg[data-id="${sent.id}"]').click()`);
  await page.waitFor(`document.querySelector('#detail .attempt .redeliver')`, 'the attempts table with a redeliver button');
  const before = failing.events.length;
  await page.eval(`document.querySelector('#detail .attempt .redeliver').click()`);
  const deadline = Date.now() + 5000;
  while (failing.events.length === before) {
    assert.ok(Date.now() < deadline, 'redeliver sent nothing');
    await new Promise((ok) => setTimeout(ok, 25));
  }
  await page.waitFor(`[...document.querySelectorAll('#detail .attempt')].some((r) => r.textContent.includes('redelivery'))`, 'the redelivered attempt');
  assert.equal(await page.eval(`document.querySelector('#detail .err').textContent`), '');
  // The request as received and the response are shown.
  await page.waitFor(`document.querySelector('#detail pre.req')?.textContent.includes('Service reminder')`, 'the request body');
  assert.match(await page.eval(`document.querySelector('#detail pre.res').textContent`), new RegExp(sent.id));
  assert.doesNotMatch(await page.eval(`document.querySelector('#detail pre.req').textContent`), /KEYdealer/, 'the API key is shown whole');
});

test('a bad customer number shows the mock error, and nothing is sent', async () => {
  const page = await openInbox();
  await page.waitFor(`document.getElementById('ours').options.length > 0 && document.getElementById('ours').value`, 'a number to text');
  const before = hooks.events.length + failing.events.length;
  await page.eval(`(() => {
    document.getElementById('theirs').value = 'not a number';
    document.getElementById('ntext').value = 'hello';
    document.getElementById('nsend').click();
  })()`);
  const shown = await page.waitFor(`document.getElementById('nerr').textContent`, 'the error line');
  assert.match(shown, /^HTTP 422: .*'from'.*\(10002\)$/);
  assert.equal(hooks.events.length + failing.events.length, before);
  assert.deepEqual(page.errors, []);
});

test('with --admin-token the page asks for the token once and then works live', async () => {
  const guarded = await startMock(['--config', configPath, '--quiet', '--admin-token', 's3cret']);
  try {
    const asked = [];
    const page = await openInbox(guarded.info.url, (message) => { asked.push(message); return 's3cret'; });
    assert.equal(asked.length, 1, `asked ${asked.length} times`);
    assert.equal(await page.eval(`sessionStorage.getItem('mockAdminToken')`), 's3cret');
    const r = await fetch(`${guarded.info.url}/v2/messages`, {
      method: 'POST', headers: { Authorization: 'Bearer KEYdealer', 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: '+13125550147', to: '+17735550103', text: 'token ok' }),
    });
    const id = (await r.json()).data.id;
    await page.waitFor(`document.querySelector('.msg[data-id="${id}"]')`, 'the message behind the token');
    assert.deepEqual(page.errors, []);
  } finally {
    guarded.proc.kill('SIGTERM');
  }
});
