// Start telnyx-mock (or attach to a running one) and drive its control API from JavaScript tests
// (vitest, jest, node --test). ESM, no dependencies: node >= 18 (global fetch).
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const STARTUP_PREFIX = 'telnyx-mock listening ';
export const DEFAULT_API_KEY = 'KEYtest';
export const DEFAULT_FROM = '+17735550188';
const HERE = dirname(fileURLToPath(import.meta.url));

/** The mock could not be started, or answered a control request with an error. */
export class MockError extends Error {
  constructor(message) { super(message); this.name = 'MockError'; }
}

/** POST /_mock/verify answered 409; `failures` holds what failed. */
export class VerifyError extends Error {
  constructor(failures, body) {
    super(`telnyx-mock verify failed: ${JSON.stringify(failures)}`);
    this.name = 'VerifyError';
    this.failures = failures;
    this.body = body;
  }
}

/** Webhooks were still pending at the deadline. */
export class WebhookTimeout extends Error {
  constructor(message, stats) { super(message); this.name = 'WebhookTimeout'; this.stats = stats; }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function isExecutable(p) {
  try { accessSync(p, constants.X_OK); return statSync(p).isFile(); } catch { return false; }
}

function* upwards(start) {
  let d = resolve(start);
  for (;;) {
    yield d;
    const parent = dirname(d);
    if (parent === d) return;
    d = parent;
  }
}

/** TELNYX_MOCK_BIN, then build/mock-server/telnyx-mock above the working directory or this
 * package, then telnyx-mock on PATH. */
export function findBinary() {
  const env = process.env.TELNYX_MOCK_BIN;
  if (env) {
    if (!isExecutable(env)) throw new MockError(`TELNYX_MOCK_BIN=${env} is not an executable file`);
    return env;
  }
  for (const start of [process.cwd(), HERE]) {
    for (const d of upwards(start)) {
      const c = join(d, 'build', 'mock-server', 'telnyx-mock');
      if (isExecutable(c)) return c;
    }
  }
  for (const d of (process.env.PATH || '').split(delimiter)) {
    if (d && isExecutable(join(d, 'telnyx-mock'))) return join(d, 'telnyx-mock');
  }
  throw new MockError('telnyx-mock not found: set TELNYX_MOCK_BIN to the binary, TELNYX_MOCK_URL to a running ' +
    'mock, or build the repository (build/mock-server/telnyx-mock)');
}

function scenarioDirs() {
  const dirs = [];
  if (process.env.TELNYX_MOCK_SCENARIOS) dirs.push(process.env.TELNYX_MOCK_SCENARIOS);
  for (const start of [process.cwd(), HERE]) {
    for (const d of upwards(start)) {
      if (existsSync(join(d, 'scenarios'))) { dirs.push(join(d, 'scenarios')); break; }
    }
  }
  return dirs;
}

function readStartupLine(child, timeoutMs) {
  return new Promise((resolveLine) => {
    let buf = '';
    const done = (v) => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      resolveLine(v);
    };
    const onData = (chunk) => {
      buf += chunk.toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith(STARTUP_PREFIX)) return done(line);
      }
    };
    const onExit = () => done(null);
    const timer = setTimeout(() => done(null), timeoutMs);
    child.stdout.on('data', onData);
    child.on('exit', onExit);
  });
}

export class TelnyxMock {
  /**
   * @param {string} url the mock's root, e.g. http://127.0.0.1:41233
   * @param {object} [o] { webhookPublicKey, seed, adminToken, apiKey, timeoutMs }
   */
  constructor(url, o = {}) {
    this.url = url.replace(/\/+$/, '');
    const u = new URL(this.url);
    this.host = u.hostname;
    this.port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    this.webhookPublicKey = o.webhookPublicKey ?? null;
    this.seed = o.seed ?? null;
    this.adminToken = o.adminToken ?? null;
    this.apiKey = o.apiKey ?? DEFAULT_API_KEY;
    this.timeoutMs = o.timeoutMs ?? 10000;
    this._child = null;
    this._logDir = null;
  }

  /** What an SDK takes as its base URL (`url + "/v2"`). */
  get baseUrl() { return `${this.url}/v2`; }

  /**
   * Start the binary on 127.0.0.1, port 0, with a fresh seed (or `seed`, or TELNYX_MOCK_SEED).
   * @param {object} [o] { binary, seed, args, startupTimeoutMs, apiKey, adminToken }
   */
  static async start(o = {}) {
    const binary = o.binary ?? findBinary();
    const seed = o.seed ?? (process.env.TELNYX_MOCK_SEED ? Number(process.env.TELNYX_MOCK_SEED) : randomInt(1, 2 ** 31 - 1));
    const args = ['--host', '127.0.0.1', '--port', '0', '--seed', String(seed)];
    if (o.adminToken) args.push('--admin-token', o.adminToken);
    args.push(...(o.args ?? []));
    const logDir = mkdtempSync(join(tmpdir(), 'telnyx-mock-'));
    const logPath = join(logDir, 'stderr.log');
    const logFd = openSync(logPath, 'w');
    let child;
    try {
      child = spawn(binary, args, { stdio: ['ignore', 'pipe', logFd] });
    } finally {
      closeSync(logFd);
    }
    const spawnError = new Promise((r) => child.once('error', (e) => r(e)));
    const line = await Promise.race([readStartupLine(child, o.startupTimeoutMs ?? 15000), spawnError]);
    if (typeof line !== 'string') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
      const tail = readFileSync(logPath, 'utf8').trim();
      rmSync(logDir, { recursive: true, force: true });
      const why = line instanceof Error ? line.message : `exit ${child.exitCode}`;
      throw new MockError(`${binary} did not start (${why}): ${tail || 'no output'}`);
    }
    const info = JSON.parse(line.slice(STARTUP_PREFIX.length));
    const mock = new TelnyxMock(info.url, { webhookPublicKey: info.webhook_public_key, seed,
      adminToken: o.adminToken, apiKey: o.apiKey });
    child.stdout.resume();   // nothing more is printed, but never let the pipe fill
    mock._child = child;
    mock._logDir = logDir;
    return mock;
  }

  /** Use a mock that is already running (a CI service, a compose service). */
  static async attach(url, o = {}) {
    const mock = new TelnyxMock(url, o);
    try {
      mock.webhookPublicKey = (await mock._json('GET', '/_mock/keys')).data.webhook_public_key;
    } catch (e) {
      if (!(e instanceof MockError) || !/: HTTP \d+:/.test(e.message)) throw e;   // no answer at all
      await mock.health();   // a mock started with --no-webhooks has no keys
    }
    return mock;
  }

  /** Whether a mock this object started is still running (always true for an attached one). */
  get running() { return this._child === null || (this._child.exitCode === null && this._child.signalCode === null); }

  /** Stop a mock this object started (SIGTERM, then SIGKILL after `timeoutMs`); its exit code. */
  async stop(timeoutMs = 10000) {
    const child = this._child;
    this._child = null;
    if (!child) return null;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(t);
    }
    return child.exitCode;
  }

  /** stop() and remove the log. */
  async close() {
    await this.stop();
    if (this._logDir) rmSync(this._logDir, { recursive: true, force: true });
    this._logDir = null;
  }

  /** What the mock wrote on stderr (a mock this object started). */
  log() {
    if (!this._logDir) return '';
    try { return readFileSync(join(this._logDir, 'stderr.log'), 'utf8'); } catch { return ''; }
  }

  /**
   * Any request: resolves to { status, body } (body: decoded JSON, text, or null).
   * `apiKey` sends `Authorization: Bearer` (for /v2 routes); the admin token goes to /_mock/.
   */
  async request(method, path, body, { query, apiKey, timeoutMs } = {}) {
    let url = this.url + path;
    if (query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) q.set(k, String(v));
      if ([...q].length) url += `?${q}`;
    }
    const headers = {};
    let payload;
    if (body !== undefined && body !== null) {
      if (typeof body === 'string' || body instanceof Uint8Array) payload = body;
      else { payload = JSON.stringify(body); headers['content-type'] = 'application/json'; }
    }
    const token = apiKey ?? (path.startsWith('/_mock') ? this.adminToken : null);
    if (token) headers.authorization = `Bearer ${token}`;
    let res;
    try {
      res = await fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(timeoutMs ?? this.timeoutMs) });
    } catch (e) {
      throw new MockError(`${method} ${url}: ${e.cause?.code ?? e.cause?.message ?? e.message}`);
    }
    const text = await res.text();
    let parsed = text;
    if (text) { try { parsed = JSON.parse(text); } catch { /* keep the text */ } } else parsed = null;
    return { status: res.status, body: parsed };
  }

  async _json(method, path, body, opts = {}) {
    const ok = opts.ok ?? [200];
    const { status, body: data } = await this.request(method, path, body, opts);
    if (!ok.includes(status)) {
      throw new MockError(`${method} ${path}: HTTP ${status}: ${typeof data === 'string' ? data : JSON.stringify(data)}`);
    }
    return data;
  }

  async health() { return (await this._json('GET', '/_mock/health')).data; }

  /** Clear messages, journal, scenario state and verdicts (the scenario stays loaded). */
  async reset() { await this._json('POST', '/_mock/reset'); }

  /** Load a scenario: a path to a YAML file, a ready scenario's name ('rate-limit-storm'), or YAML text. */
  async loadScenario(scenario) {
    const text = scenarioText(scenario);
    const { status, body } = await this.request('PUT', '/_mock/scenario', text);
    if (status !== 200) {
      const detail = body && typeof body === 'object' && 'error' in body ? body.error : body;
      throw new MockError(`scenario refused: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
    }
    return body;
  }

  /** Back to the default scenario (magic numbers only). */
  async clearScenario() { await this._json('DELETE', '/_mock/scenario'); }

  /** GET /_mock/report: duplicates, Retry-After violations, permanent-error retries, rule hits. */
  async report() { return this._json('GET', '/_mock/report'); }

  /**
   * POST /_mock/verify; throws VerifyError on 409. `withinMs`: wait until the expectations hold
   * or the time is up (for counts still rising; long-polled with ?wait= where the mock has it).
   * `webhooksIdle`: first wait until no webhook is pending.
   */
  async verify(expectations = {}, { withinMs = 0, webhooksIdle = false } = {}) {
    const deadline = Date.now() + withinMs;
    if (webhooksIdle) await this.waitForWebhooks({ timeoutMs: Math.max(withinMs, 10000) });
    for (;;) {
      const left = Math.min(Math.max(0, deadline - Date.now()), 60000);
      const query = left > 0 ? { wait: `${left}ms` } : undefined;
      const { status, body } = await this.request('POST', '/_mock/verify', expectations,
        { query, timeoutMs: left + this.timeoutMs });
      if (status === 200) return body;
      if (status !== 409) throw new MockError(`POST /_mock/verify: HTTP ${status}: ${JSON.stringify(body)}`);
      if (Date.now() >= deadline) throw new VerifyError(body?.failures ?? body, body);
      await sleep(50);   // a mock without ?wait= answers at once
    }
  }

  /** GET /_mock/webhooks: attempts (`data`) and engine `stats`. Filters: message_id, event_type, event_id, tenant_id, limit. */
  async webhooks(filters = {}) { return this._json('GET', '/_mock/webhooks', undefined, { query: filters }); }

  /** Events queued or being delivered now (retries waiting for their backoff count). */
  async pendingWebhooks() {
    const { stats } = await this.webhooks({ limit: 1 });
    return Number(stats.queue_pending ?? 0) + Number(stats.in_flight ?? 0);
  }

  /**
   * Wait until no webhook is pending; resolves to the engine stats. Throws WebhookTimeout at the
   * deadline. Long-polls GET /_mock/wait?until=webhooks_idle where the mock has it, else polls.
   */
  async waitForWebhooks({ timeoutMs = 10000, pollMs = 20 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const chunk = Math.min(Math.max(0, deadline - Date.now()), 60000);   // one wait is capped at 60 s
      const { status, body } = await this.request('GET', '/_mock/wait', undefined,
        { query: { until: 'webhooks_idle', timeout: `${chunk}ms` }, timeoutMs: chunk + this.timeoutMs });
      if (status === 200) return (await this.webhooks({ limit: 1 })).stats;
      if (status === 404) return this._pollWebhooksIdle(deadline, timeoutMs, pollMs);
      if (status !== 409) throw new MockError(`GET /_mock/wait: HTTP ${status}: ${JSON.stringify(body)}`);
      if (Date.now() >= deadline) {
        const pending = body?.webhooks_pending ?? 'some';
        throw new WebhookTimeout(`${pending} webhook(s) still pending after ${timeoutMs} ms: ${JSON.stringify(body)}`, body);
      }
    }
  }

  async _pollWebhooksIdle(deadline, timeoutMs, pollMs) {
    for (;;) {
      const { stats } = await this.webhooks({ limit: 1 });
      const pending = Number(stats.queue_pending ?? 0) + Number(stats.in_flight ?? 0);
      if (pending === 0) return stats;
      if (Date.now() >= deadline) {
        throw new WebhookTimeout(`${pending} webhook(s) still pending after ${timeoutMs} ms: ${JSON.stringify(stats)}`, stats);
      }
      await sleep(pollMs);
    }
  }

  /** Items of a control listing, newest first. The mock serves at most 1,000 a page; a larger
   *  `limit` is gathered page by page through `meta.next_before`. */
  async _pages(path, query) {
    const want = query.limit == null ? null : Number(query.limit);
    const items = [];
    const q = { ...query };
    for (;;) {
      if (want != null) q.limit = want - items.length;
      const page = await this._json('GET', path, undefined, { query: q });
      items.push(...page.data);
      const cursor = page.meta?.next_before ?? null;
      if (want == null || items.length >= want || cursor == null || page.data.length === 0) return items;
      q.before = cursor;
    }
  }

  /** GET /_mock/requests, newest first. Filters: path, status, api_key, method, limit (a limit over
   *  the mock's 1,000-a-page cap is gathered page by page). */
  async requests(filters = {}) { return this._pages('/_mock/requests', filters); }

  /** GET /_mock/messages, newest first (default 100; a limit over 1,000 is gathered page by page). */
  async messages({ apiKey, limit } = {}) {
    return this._pages('/_mock/messages', { api_key: apiKey, limit });
  }

  /** The phone numbers of a tenant (GET /v2/phone_numbers). */
  async numbers(apiKey) {
    const data = await this._json('GET', '/v2/phone_numbers', undefined, { apiKey: apiKey ?? this.apiKey });
    return data.data.map((n) => n.phone_number);
  }

  /** POST /v2/messages (for tests of the mock itself; your app sends on its own). */
  async send(to, text, { apiKey, ...fields } = {}) {
    return (await this._json('POST', '/v2/messages', { to, text, ...fields }, { apiKey: apiKey ?? this.apiKey })).data;
  }

  /** GET /_mock/clock: the mock's time `now` (RFC 3339), `offset_seconds` ahead of the system clock, `advanceable`. */
  async clock() { return (await this._json('GET', '/_mock/clock')).data; }

  /**
   * POST /_mock/clock/advance: moves the mock's clock forward by `by`, seconds (a number) or a
   * duration string ('90s', '11m', '1.5h'). Scheduled messages whose send_at it passes are sent
   * before it resolves (`scheduled_fired`); their webhooks follow in real time. Rejects with
   * MockError when the mock refuses (backwards, not a duration, past its limit, a fixed clock).
   */
  async advanceClock(by) {
    const body = typeof by === 'string' ? { duration: by } : { seconds: by };
    return (await this._json('POST', '/_mock/clock/advance', body)).data;
  }

  /**
   * Simulate an inbound SMS: a message.received webhook to the profile that owns `to`
   * (default: the first number of `apiKey`'s tenant).
   */
  async inbound(text, { to, from = DEFAULT_FROM, mediaUrls, apiKey } = {}) {
    if (to === undefined) {
      const numbers = await this.numbers(apiKey);
      if (numbers.length === 0) throw new MockError('the tenant has no numbers; pass to');
      to = numbers[0];
    }
    const body = { from, to, text };
    if (mediaUrls !== undefined) body.media_urls = mediaUrls;
    return (await this._json('POST', '/_mock/inbound', body)).data;
  }

  /** A text block for a failing test: where the mock is, its seed, report, webhook stats, log tail. */
  async failureDetails() {
    const parts = [`telnyx-mock at ${this.url}` + (this.seed !== null ? `, seed ${this.seed} (TELNYX_MOCK_SEED=${this.seed} to repeat)` : '')];
    try { parts.push(`report: ${JSON.stringify(await this.report(), null, 2)}`); } catch (e) { parts.push(`report unavailable: ${e.message}`); }
    try { parts.push(`webhooks: ${JSON.stringify((await this.webhooks({ limit: 1 })).stats, null, 2)}`); } catch { /* no webhook engine */ }
    const log = this.log().trim();
    if (log) parts.push(`log:\n${log.split('\n').slice(-50).join('\n')}`);
    return parts.join('\n');
  }
}

function scenarioText(scenario) {
  if (scenario instanceof URL) return readFileSync(scenario, 'utf8');
  if (scenario.includes('\n') || (scenario.includes(':') && !existsSync(scenario))) return scenario;
  if (existsSync(scenario) && statSync(scenario).isFile()) return readFileSync(scenario, 'utf8');
  for (const d of scenarioDirs()) {
    for (const name of [scenario, `${scenario}.yaml`]) {
      const p = join(d, name);
      if (existsSync(p) && statSync(p).isFile()) return readFileSync(p, 'utf8');
    }
  }
  throw new MockError(`scenario '${scenario}': no such file, and no ready scenario of that name`);
}

/**
 * The mock for a test file: TELNYX_MOCK_URL (reset, default scenario) when set, otherwise a fresh
 * process (TELNYX_MOCK_ARGS adds flags). Pair with `await mock.close()` in afterAll/after.
 */
export async function startMock(o = {}) {
  const adminToken = o.adminToken ?? (process.env.TELNYX_MOCK_ADMIN_TOKEN || undefined);
  const url = o.url ?? process.env.TELNYX_MOCK_URL;
  if (url) {
    const mock = await TelnyxMock.attach(url, { ...o, adminToken });
    await mock.reset();
    await mock.clearScenario();
    return mock;
  }
  const envArgs = (process.env.TELNYX_MOCK_ARGS || '').split(' ').filter(Boolean);
  return TelnyxMock.start({ ...o, adminToken, args: [...envArgs, ...(o.args ?? [])] });
}

/**
 * Run `fn(mock)`; when it throws, the error's message gains the mock's report, webhook stats and
 * log, so vitest/jest/node:test print them with the failure.
 */
export async function withReport(mock, fn) {
  try {
    return await fn(mock);
  } catch (e) {
    const details = await mock.failureDetails();
    if (e instanceof Error) {
      e.message = `${e.message}\n\n${details}`;
      if (typeof e.stack === 'string') e.stack = `${e.stack}\n\n${details}`;
      throw e;
    }
    throw new Error(`${String(e)}\n\n${details}`);
  }
}
