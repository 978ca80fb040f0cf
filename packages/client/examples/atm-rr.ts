// Prints live ATM vols and 25-delta risk reversals by fixed tenor from the gateway's stream.
// Usage: node --import tsx packages/client/examples/atm-rr.ts --url ws://localhost:8080 [--currency BTC]
//        [--venue deribit|composite|…] [--api-key KEY]
import { parseArgs } from 'node:util';
import { StreamKind, type Surface } from '@volstream/contracts';
import { StreamClient } from '../src/index.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'ws://localhost:8080' },
    currency: { type: 'string', default: 'BTC' },
    // Default: every venue's surface and the composite, each printed under its own name.
    venue: { type: 'string' },
    'api-key': { type: 'string' },
  },
});

const pct = (v: number | undefined): string =>
  v === undefined ? '     -' : `${(v * 100).toFixed(2).padStart(6)}`;

function print(surface: Surface): void {
  const time = new Date(Number(surface.asOfMs)).toISOString();
  const rows = surface.tenors.map(
    (t) =>
      `${String(t.tenorDays).padStart(4)}d  ATM ${pct(t.atmVol)} %  RR25 ${pct(t.rr25)} %${t.extrapolated ? '  (extrapolated)' : ''}`,
  );
  process.stdout.write(`${surface.venue} ${surface.currency} @ ${time}\n${rows.join('\n')}\n\n`);
}

const client = new StreamClient({
  url: values.url,
  ...(values['api-key'] === undefined ? {} : { apiKey: values['api-key'] }),
  onOpen: () => process.stderr.write(`connected to ${values.url}\n`),
  onClose: (code, reason) => process.stderr.write(`disconnected (${code} ${reason}); reconnecting\n`),
});
await client.connect();
client.subscribe(
  {
    currencies: [values.currency.toUpperCase()],
    venues: values.venue === undefined ? [] : [values.venue],
    kinds: [StreamKind.SURFACE],
  },
  {
    onSnapshot: (snapshot) => {
      if (snapshot.surfaces.length === 0) process.stderr.write('no surface yet; waiting for updates\n');
      for (const s of snapshot.surfaces) print(s);
    },
    onUpdate: (update) => {
      if (update.payload.case === 'surface') print(update.payload.value);
    },
    onError: (error) =>
      process.stderr.write(`gateway refused the subscription: ${error.code} ${error.message}\n`),
  },
);
process.on('SIGINT', () => {
  client.close();
  process.exit(0);
});
