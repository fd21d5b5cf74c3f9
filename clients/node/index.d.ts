// Types for telnyx-harness (index.js).
export const DEFAULT_API_KEY: string;
export const DEFAULT_FROM: string;

export class MockError extends Error {}
export class VerifyError extends Error {
  failures: unknown;
  body: unknown;
}
export class WebhookTimeout extends Error {
  stats: Record<string, unknown>;
}

export interface StartOptions {
  binary?: string;
  seed?: number;
  args?: string[];
  startupTimeoutMs?: number;
  apiKey?: string;
  adminToken?: string;
}

export interface AttachOptions {
  apiKey?: string;
  adminToken?: string;
  timeoutMs?: number;
}

export type Expectation = number | { min?: number; max?: number };
export interface Expectations {
  requests?: Expectation;
  duplicates?: Expectation;
  retry_after_violations?: Expectation;
  permanent_error_retries?: Expectation;
  rules?: Record<string, Expectation>;
  [verdict: string]: Expectation | Record<string, Expectation> | undefined;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined | null>;
  apiKey?: string;
  timeoutMs?: number;
}

export class TelnyxMock {
  constructor(url: string, o?: AttachOptions & { webhookPublicKey?: string; seed?: number });
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly baseUrl: string;
  webhookPublicKey: string | null;
  seed: number | null;
  adminToken: string | null;
  apiKey: string;
  readonly running: boolean;

  static start(o?: StartOptions): Promise<TelnyxMock>;
  static attach(url: string, o?: AttachOptions): Promise<TelnyxMock>;
  stop(timeoutMs?: number): Promise<number | null>;
  close(): Promise<void>;
  log(): string;

  request(method: string, path: string, body?: unknown, o?: RequestOptions): Promise<{ status: number; body: any }>;
  health(): Promise<{ status: string; messages: number }>;
  reset(): Promise<void>;
  loadScenario(scenario: string | URL): Promise<{ loaded: string; rules: number }>;
  clearScenario(): Promise<void>;
  report(): Promise<any>;
  verify(expectations?: Expectations, o?: { withinMs?: number; webhooksIdle?: boolean }): Promise<{ ok: true; failures: [] }>;
  webhooks(filters?: { message_id?: string; event_type?: string; event_id?: string; tenant_id?: string; limit?: number }): Promise<{ data: any[]; meta: any; stats: Record<string, any> }>;
  pendingWebhooks(): Promise<number>;
  waitForWebhooks(o?: { timeoutMs?: number; pollMs?: number }): Promise<Record<string, any>>;
  requests(filters?: { path?: string; status?: number; api_key?: string; method?: string; limit?: number }): Promise<any[]>;
  messages(o?: { apiKey?: string; limit?: number }): Promise<any[]>;
  numbers(apiKey?: string): Promise<string[]>;
  send(to: string, text: string, fields?: Record<string, unknown> & { apiKey?: string }): Promise<any>;
  clock(): Promise<{ now: string; offset_seconds: number | null; advanceable: boolean }>;
  advanceClock(by: number | string): Promise<{ now: string; previous: string; offset_seconds: number | null; advanceable: boolean; advanced_seconds: number; scheduled_fired: number }>;
  inbound(text: string, o?: { to?: string; from?: string; mediaUrls?: string[]; apiKey?: string }): Promise<any>;
  failureDetails(): Promise<string>;
}

export function findBinary(): string;
export function startMock(o?: StartOptions & AttachOptions & { url?: string }): Promise<TelnyxMock>;
export function withReport<T>(mock: TelnyxMock, fn: (mock: TelnyxMock) => T | Promise<T>): Promise<T>;
