// Load client for sim-rate.bench.ts, run in its own process so the simulator has a core to
// itself: opens N connections, subscribes each to book+ticker of the given instruments (≤ 250
// channels per request), counts frames (without parsing them) and prints one JSON line of
// {frames, bytes, seconds} after the measurement window.
import WebSocket from 'ws';

const [url, connections, instrumentsJson, warmupMs, windowMs] = process.argv.slice(2);
const instruments = JSON.parse(instrumentsJson);
let frames = 0;
let bytes = 0;
let counting = false;
const sockets = [];
for (let i = 0; i < Number(connections); i++) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  sockets.push(ws);
  ws.on('open', () => {
    const channels = instruments.flatMap((n) => [`book.${n}.100ms`, `ticker.${n}.100ms`]);
    for (let j = 0; j < channels.length; j += 250) {
      ws.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: j,
          method: 'public/subscribe',
          params: { channels: channels.slice(j, j + 250) },
        }),
      );
    }
  });
  ws.on('message', (data) => {
    if (!counting) return;
    frames++;
    bytes += data.length;
  });
}
setTimeout(() => {
  counting = true;
  const start = process.hrtime.bigint();
  setTimeout(() => {
    counting = false;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    process.stdout.write(`${JSON.stringify({ frames, bytes, seconds })}\n`);
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }, Number(windowMs));
}, Number(warmupMs));
