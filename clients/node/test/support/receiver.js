// A webhook receiver on 127.0.0.1 for the helper's own tests.
import { createServer } from 'node:http';

export async function startReceiver() {
  const events = [];
  let held = null;   // a promise every request waits for while the receiver holds
  let releaseHeld = () => {};
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      if (held) await held;
      events.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200, { 'content-length': '0' }).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    events,
    eventTypes: (messageId) => events
      .filter((e) => messageId === undefined || e.body.data.payload.id === messageId)
      .map((e) => e.body.data.event_type),
    hold() { held = new Promise((r) => { releaseHeld = r; }); },
    release() { held = null; releaseHeld(); },
    async close() {
      this.release();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}
