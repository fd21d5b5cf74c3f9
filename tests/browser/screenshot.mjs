// Refreshes docs/inbox.png: a telnyx-mock with a dealership tenant, a few texts both ways (one
// profile's webhook failing), the inbox in headless chromium with a message's detail open.
// Usage: HARNESS_BINARY_DIR=build node --experimental-websocket tests/browser/screenshot.mjs [out.png]
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { startMock } from '../contract/start_mock.mjs';
import { launch } from './cdp.mjs';

const out = process.argv[2] ?? 'docs/inbox.png';
const listen = (status) => new Promise((ok) => {
  const s = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(status); res.end('{}'); }); });
  s.listen(0, '127.0.0.1', () => ok(s));
});
const good = await listen(200), bad = await listen(500);
const cfg = `/tmp/inbox-shot-${process.pid}.yaml`;
writeFileSync(cfg, `tenants:
  - name: dealer
    api_keys: [KEYdealer]
    profiles:
      - name: main
        webhook_url: http://127.0.0.1:${good.address().port}/hooks
        numbers: ["+13125550147"]
      - name: service
        webhook_url: http://127.0.0.1:${bad.address().port}/hooks
        numbers: ["+13125550148"]
`);
const mock = await startMock(['--config', cfg, '--quiet']);
const base = mock.info.url;
const send = (from, to, text) => fetch(`${base}/v2/messages`, { method: 'POST',
  headers: { Authorization: 'Bearer KEYdealer', 'Content-Type': 'application/json' }, body: JSON.stringify({ from, to, text }) });
const inbound = (from, to, text) => fetch(`${base}/_mock/inbound`, { method: 'POST',
  headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from, to, text }) });
await send('+13125550147', '+17735550188', 'Hi Dana, your Civic is ready for pick-up.');
await inbound('+17735550188', '+13125550147', 'Great, can I come at 5?');
await send('+13125550147', '+17735550188', 'Yes, we are open until 7. See you then!');
await send('+13125550148', '+17735550199', 'Reminder: oil change due next week.');
await inbound('+17735550199', '+13125550148', 'STOP');
await new Promise((ok) => setTimeout(ok, 2500));   // let the lifecycle and webhooks run
const browser = await launch();
const page = await browser.open(`${base}/_mock/ui`);
await page.waitFor(`document.getElementById('mode').textContent === 'live'`, 'live');
await page.eval(`document.querySelector('.conv[data-key="+13125550147|+17735550188"]').click()`);
await page.waitFor(`document.querySelectorAll('.msg').length === 3`, 'the conversation');
await page.eval(`document.querySelectorAll('.msg.out')[0].click()`);
await page.waitFor(`document.querySelector('#detail pre.req')`, 'the detail');
await new Promise((ok) => setTimeout(ok, 300));
writeFileSync(out, await page.screenshot());
await browser.close();
mock.proc.kill('SIGTERM');
good.close(); bad.close();
console.log(`wrote ${out}`);
