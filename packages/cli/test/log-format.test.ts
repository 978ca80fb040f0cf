import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { formatLogLine, main } from '@volstream/cli';
import { createPrettyStream } from '../src/log-format.ts';

describe('TTY log one-liners', () => {
  it('turn a pino JSON line into time, level, service, message and fields', () => {
    const line = JSON.stringify({
      level: 40,
      time: '2026-11-21T06:01:02.345Z',
      pid: 1,
      hostname: 'h',
      service: 'run',
      component: 'sim',
      describe: 'deribit simulator on ws://127.0.0.1:41231',
      msg: 'started',
    });
    assert.equal(
      formatLogLine(line),
      '06:01:02.345 WARN  run: started  component=sim describe="deribit simulator on ws://127.0.0.1:41231"',
    );
  });

  it('show only the message of an error and leave non-JSON lines alone', () => {
    const line = JSON.stringify({
      level: 50,
      time: '2026-11-21T06:01:02.345Z',
      err: { message: 'boom', stack: 's' },
      msg: 'x',
    });
    assert.equal(formatLogLine(line), '06:01:02.345 ERROR x  err=boom');
    assert.equal(formatLogLine('not json'), 'not json');
    assert.equal(formatLogLine('[1,2]'), '[1,2]');
  });

  it('reassemble lines split across writes', async () => {
    const out = new PassThrough();
    const pretty = createPrettyStream(out, false);
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    pretty.write('{"level":30,"time":"2026-11-21T06:01:02.345Z","msg":"a');
    pretty.write('b"}\n{"level":30,"msg":"c"}\n');
    await new Promise<void>((resolve) => pretty.end(resolve));
    assert.equal(chunks.join(''), '06:01:02.345 INFO  ab\n INFO  c\n');
  });

  it('are what main() writes when stderr is a terminal, JSON otherwise', async () => {
    const capture = (isTTY: boolean) => {
      const stream = Object.assign(new PassThrough(), { isTTY });
      let text = '';
      stream.on('data', (c: Buffer) => {
        text += c.toString();
      });
      return { stream, text: () => text };
    };
    // `--bus kafka` without brokers fails inside `run`, after the logger exists: one error line.
    const argv = ['run', '--bus', 'kafka', '--for', '1s', '--source', 'sim', '--no-store'];
    const tty = capture(true);
    const code = await main(argv, {
      stdout: capture(false).stream,
      stderr: tty.stream,
      env: { NO_COLOR: '1' },
    });
    assert.equal(code, 1);
    assert.match(
      tty.text(),
      /^\d\d:\d\d:\d\d\.\d{3} ERROR run: run failed {2}err=.*--bus kafka needs --brokers/m,
    );
    const pipe = capture(false);
    assert.equal(await main(argv, { stdout: capture(false).stream, stderr: pipe.stream, env: {} }), 1);
    const json = pipe
      .text()
      .split('\n')
      .find((l) => l.startsWith('{'));
    assert.equal((JSON.parse(json ?? '{}') as { msg?: string }).msg, 'run failed');
  });
});
