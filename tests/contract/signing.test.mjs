// Contract: webhook signatures produced by src/core (contract §7.4) are accepted by the official
// Telnyx SDK, and tampered, stale, future-dated or wrongly keyed ones are rejected by it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Telnyx from 'telnyx';
import { TelnyxWebhook, TelnyxWebhookVerificationError } from 'telnyx/lib/webhooks';

const binaryDir = process.env.HARNESS_BINARY_DIR;
const sourceDir = process.env.HARNESS_SOURCE_DIR;
assert.ok(binaryDir, 'HARNESS_BINARY_DIR must be set (ctest sets it)');
const helper = path.join(binaryDir, 'tests', 'contract', 'contract_sign_fixture');
assert.ok(existsSync(helper), `helper not built: ${helper}`);

function material(args) {
  return JSON.parse(execFileSync(helper, args, { encoding: 'utf8' }).trim());
}

const fixtureKey = sourceDir ? path.join(sourceDir, 'fixtures', 'keys', 'test_ed25519.pem') : null;
const cases = [['generated key', ['--generate']]];
if (fixtureKey && existsSync(fixtureKey)) cases.push(['fixture key', ['--key', fixtureKey]]);

const headers = (sig, ts) => ({ 'telnyx-signature-ed25519': sig, 'telnyx-timestamp': ts });
const client = new Telnyx({ apiKey: 'KEY_contract_test' });

for (const [name, args] of cases) {
  const m = material(args);

  test(`${name}: core verifies its own signature`, () => {
    assert.equal(m.core_verify, 'ok');
  });

  test(`${name}: genuine signature accepted by TelnyxWebhook.verify`, async () => {
    await new TelnyxWebhook(m.public_key).verify(m.body, headers(m.signature, m.timestamp));
  });

  test(`${name}: genuine signature accepted by client.webhooks.unwrap`, async () => {
    const event = await client.webhooks.unwrap(m.body, { headers: headers(m.signature, m.timestamp), key: m.public_key });
    assert.equal(event.data.event_type, 'message.finalized');
    assert.equal(event.meta.attempt, 1);
  });

  test(`${name}: header names are case-insensitive`, async () => {
    await new TelnyxWebhook(m.public_key).verify(m.body, {
      'Telnyx-Signature-Ed25519': m.signature,
      'Telnyx-Timestamp': m.timestamp,
    });
  });

  test(`${name}: 290 s old timestamp still accepted`, async () => {
    await new TelnyxWebhook(m.public_key).verify(m.body, headers(m.near_edge_signature, m.near_edge_timestamp));
  });

  test(`${name}: tampered body rejected`, async () => {
    await assert.rejects(
      new TelnyxWebhook(m.public_key).verify(m.tampered_body, headers(m.signature, m.timestamp)),
      TelnyxWebhookVerificationError);
    await assert.rejects(
      client.webhooks.unwrap(m.tampered_body, { headers: headers(m.signature, m.timestamp), key: m.public_key }),
      TelnyxWebhookVerificationError);
  });

  test(`${name}: re-serialised body rejected (signature is over raw bytes)`, async () => {
    const reserialised = JSON.stringify(JSON.parse(m.body), null, 1);
    assert.notEqual(reserialised, m.body);
    await assert.rejects(
      new TelnyxWebhook(m.public_key).verify(reserialised, headers(m.signature, m.timestamp)),
      TelnyxWebhookVerificationError);
  });

  test(`${name}: stale timestamp (301 s old) rejected`, async () => {
    await assert.rejects(
      new TelnyxWebhook(m.public_key).verify(m.body, headers(m.stale_signature, m.stale_timestamp)),
      /too old or too new/);
  });

  test(`${name}: future timestamp (330 s ahead) rejected`, async () => {
    await assert.rejects(
      new TelnyxWebhook(m.public_key).verify(m.body, headers(m.future_signature, m.future_timestamp)),
      /too old or too new/);
  });

  test(`${name}: wrong key rejected`, async () => {
    await assert.rejects(
      new TelnyxWebhook(m.wrong_public_key).verify(m.body, headers(m.signature, m.timestamp)),
      /does not match/);
    await assert.rejects(
      new TelnyxWebhook(m.public_key).verify(m.body, headers(m.wrong_key_signature, m.timestamp)),
      /does not match/);
  });

  test(`${name}: timestamp swapped between signatures rejected`, async () => {
    await assert.rejects(
      new TelnyxWebhook(m.public_key).verify(m.body, headers(m.near_edge_signature, m.timestamp)),
      /does not match/);
  });
}
