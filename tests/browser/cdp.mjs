// A minimal Chrome DevTools Protocol client over node's built-in WebSocket (node 20:
// --experimental-websocket): starts Debian's headless chromium on a throw-away profile, opens one
// page and drives it. No npm packages, no network: chromium is told not to reach anything but
// 127.0.0.1.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const chromiumBinary = process.env.CHROMIUM ?? 'chromium';

export async function launch() {
  const profile = mkdtempSync(path.join(tmpdir(), 'inbox-chromium-'));
  const proc = spawn(chromiumBinary, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
    '--disable-extensions', '--disable-background-networking', '--disable-component-update',
    '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--window-size=1280,800', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const wsUrl = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start within 20 s: ${err}`)), 20000);
    proc.once('exit', (code) => reject(new Error(`chromium exited with ${code}: ${err}`)));
    proc.stderr.on('data', (d) => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  const ws = new WebSocket(wsUrl);
  await new Promise((ok, bad) => { ws.onopen = ok; ws.onerror = () => bad(new Error('cannot reach chromium')); });
  const browser = new Browser(proc, ws, profile);
  return browser;
}

class Browser {
  constructor(proc, ws, profile) {
    this.proc = proc;
    this.ws = ws;
    this.profile = profile;
    this.next = 1;
    this.calls = new Map();
    this.listeners = [];
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.id && this.calls.has(msg.id)) {
        const { ok, bad } = this.calls.get(msg.id);
        this.calls.delete(msg.id);
        if (msg.error) bad(new Error(`${msg.error.message} ${msg.error.data ?? ''}`)); else ok(msg.result);
      } else if (msg.method) {
        for (const l of this.listeners) l(msg);
      }
    };
    // A call chromium never answers (it closed the socket, or exited) fails instead of hanging.
    ws.onclose = () => {
      for (const { bad } of this.calls.values()) bad(new Error('chromium closed the DevTools connection'));
      this.calls.clear();
    };
  }
  send(method, params = {}, sessionId) {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('chromium is gone'));
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, method, params, sessionId }));
    return new Promise((ok, bad) => this.calls.set(id, { ok, bad }));
  }
  // A new tab on `url`, with `onDialog(message)` answering prompt() (null dismisses it).
  async open(url, onDialog = () => null) {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId);
    this.listeners.push((msg) => {
      if (msg.sessionId !== sessionId) return;
      if (msg.method === 'Page.javascriptDialogOpening') {
        const answer = onDialog(msg.params.message);
        this.send('Page.handleJavaScriptDialog', answer === null ? { accept: false } : { accept: true, promptText: answer }, sessionId);
      }
      if (msg.method === 'Runtime.exceptionThrown') page.errors.push(msg.params.exceptionDetails.exception?.description ?? msg.params.exceptionDetails.text);
    });
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.send('Page.navigate', { url });
    return page;
  }
  // Asks chromium to quit; one that has not exited 5 s later is killed. Never hangs: chromium may
  // exit before it answers Browser.close.
  async close() {
    const exited = new Promise((ok) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) ok(); else this.proc.once('exit', ok);
    });
    const wait = (ms) => new Promise((ok) => setTimeout(ok, ms).unref());
    try { await Promise.race([this.send('Browser.close'), exited, wait(5000)]); } catch { /* already gone */ }
    if (await Promise.race([exited.then(() => true), wait(5000).then(() => false)]) === false) {
      this.proc.kill('SIGKILL');
      await exited;
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}

class Page {
  constructor(browser, sessionId) {
    this.browser = browser;
    this.sessionId = sessionId;
    this.errors = [];   // uncaught exceptions in the page
  }
  send(method, params) { return this.browser.send(method, params, this.sessionId); }
  // The value of a JavaScript expression (awaited when it is a promise).
  async eval(expression) {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  }
  // Re-evaluates `expression` until it is truthy; throws with `what` after `limitMs`.
  async waitFor(expression, what, limitMs = 5000) {
    const until = Date.now() + limitMs;
    for (;;) {
      const v = await this.eval(expression).catch(() => undefined);
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
      await new Promise((ok) => setTimeout(ok, 25));
    }
  }
  async screenshot() {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png' });
    return Buffer.from(data, 'base64');
  }
}
