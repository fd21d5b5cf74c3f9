// Starts the built telnyx-mock for a contract test: --port 0 plus `args`, then reads its
// machine-readable start-up line. Resolves { proc, info } (info: host, port, url,
// webhook_public_key, ...); rejects when the line does not come within 10 s or the process exits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

export const mockBinary = path.join(process.env.HARNESS_BINARY_DIR ?? 'build', 'mock-server', 'telnyx-mock');

export async function startMock(args) {
  const proc = spawn(mockBinary, ['--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no start-up line within 10 s')), 10000);
    proc.once('exit', (code) => reject(new Error(`telnyx-mock exited early with ${code}`)));
    lines.once('line', (l) => { clearTimeout(timer); resolve(l); });
  });
  const m = /^telnyx-mock listening (\{.*\})$/.exec(line);
  assert.ok(m, `unexpected start-up line: ${line}`);
  return { proc, info: JSON.parse(m[1]) };
}
