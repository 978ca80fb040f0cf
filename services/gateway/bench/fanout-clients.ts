// Child process of fanout.bench.ts: opens N websocket subscribers to the gateway and records, per
// update, the wall-clock receipt time at every client; sends the times to the parent at the end.

import { ClientMessageSchema, create, toBinary } from '@volstream/contracts';
import WebSocket from 'ws';

const [url = '', countArg = '1000', updatesArg = '20'] = process.argv.slice(2);
const count = Number(countArg);
const updates = Number(updatesArg);
const now = (): number => performance.timeOrigin + performance.now();
/** receipts[u][c]: receipt time of update u at client c. */
const receipts: number[][] = Array.from({ length: updates }, () => []);
let finished = 0;
const subscribe = toBinary(
  ClientMessageSchema,
  create(ClientMessageSchema, { kind: { case: 'subscribe', value: { subscriptionId: 'all', filter: {} } } }),
);

let ready = 0;
for (let c = 0; c < count; c++) {
  const ws = new WebSocket(url);
  let frames = 0;
  ws.on('open', () => ws.send(subscribe));
  ws.on('message', () => {
    frames += 1;
    if (frames === 1) {
      ready += 1;
      if (ready === count) process.send?.({ type: 'ready' });
      return;
    }
    const u = frames - 2;
    if (u < updates) receipts[u]?.push(now());
    if (u === updates - 1) {
      finished += 1;
      if (finished === count) process.send?.({ type: 'done', receipts });
    }
  });
}
