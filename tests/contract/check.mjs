// Shared by the contract tests that validate responses: a checker that calls an SDK method,
// validates the body against a schema of schemas/messaging.mjs (Ajv, strict) and remembers which
// operations were seen answering success and error, so a test file can require both of each.
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import Telnyx from 'telnyx';
import * as S from './schemas/messaging.mjs';

const ajv = new Ajv({ allErrors: true, strict: true });
const compiled = new Map();
export function validate(schema, body, label) {
  if (!compiled.has(schema)) compiled.set(schema, ajv.compile(schema));
  const v = compiled.get(schema);
  if (!v(body)) {
    assert.fail(`${label}: response does not match the schema:\n${ajv.errorsText(v.errors, { separator: '\n' })}\n` +
      `body: ${JSON.stringify(body).slice(0, 2000)}`);
  }
}

export function makeChecker() {
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
  // Returns the error body.
  async function fails(op, promise, status, code) {
    let body;
    await assert.rejects(promise, (err) => {
      assert.ok(err instanceof Telnyx.APIError, `${op}: expected an APIError, got ${err}`);
      assert.equal(err.status, status, `${op}: ${JSON.stringify(err.error)}`);
      validate(S.errorEnvelope, err.error, `${op} (error ${status})`);
      assert.equal(err.error.errors[0].code, code, `${op}: ${JSON.stringify(err.error)}`);
      body = err.error;
      return true;
    });
    seenErr.add(op);
    return body;
  }
  return { ok, fails, seenOk, seenErr };
}
