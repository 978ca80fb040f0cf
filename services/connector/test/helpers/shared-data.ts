import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `../shared/data` beside the repository root (CI checks out `shared/` there; never copied in). */
export const SHARED_DATA = join(new URL('../../../../', import.meta.url).pathname, '..', 'shared', 'data');

export const DERIBIT_CAPTURE = join(SHARED_DATA, 'deribit_ws_capture_2021-07-22', 'DERIBIT.ws.1.0.txt');
export const DERIBIT_REST = join(
  SHARED_DATA,
  'deribit_ws_capture_2021-07-22',
  'DERIBIT.0.rest_get_instruments.txt',
);
export const DERIBIT_SAMPLES = join(
  SHARED_DATA,
  'exchange_ws_message_samples',
  'deribit_options_and_book.json',
);

export interface CapturedFrame {
  /** Local receive time (seconds since epoch) recorded by cryptofeed. */
  epoch: number;
  text: string;
}

/** Received frames of a cryptofeed capture (`epoch: {json}` lines; see shared/data/README.md). */
export function readCaptureReceived(path = DERIBIT_CAPTURE): CapturedFrame[] {
  const out: CapturedFrame[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^(\d+\.\d+): (\{.*\})$/.exec(line);
    if (match !== null) out.push({ epoch: Number(match[1]), text: match[2]! });
  }
  return out;
}

/** `result` arrays of the recorded get_instruments replies, by currency. */
export function readRecordedInstruments(path = DERIBIT_REST): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /currency=([A-Z]+)[^ ]* -> [\d.]+: (\{.*\})$/.exec(line);
    if (match === null) continue;
    const body = JSON.parse(match[2]!) as { result?: unknown[] };
    if (Array.isArray(body.result)) out.set(match[1]!, body.result);
  }
  return out;
}

/** The real Deribit messages of tardis-node's tests (a JSON array). */
export function readSamples(): Array<{ params: { channel: string; data: unknown } }> {
  return JSON.parse(readFileSync(DERIBIT_SAMPLES, 'utf8')) as Array<{
    params: { channel: string; data: unknown };
  }>;
}
