// `--spool-max-bytes` (src/spool-options.ts): sizes with binary units, from the flag or the
// environment, refused when not a positive size, and listed by `volstream run`'s options.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '@volstream/config';
import { runCommand } from '../src/commands/run.ts';
import { formatByteSize, parseByteSize, SPOOL_OPTIONS } from '../src/spool-options.ts';

describe('spool options', () => {
  it('reads sizes with binary units', () => {
    assert.equal(parseByteSize('1073741824'), 1024 ** 3);
    assert.equal(parseByteSize('4GiB'), 4 * 1024 ** 3);
    assert.equal(parseByteSize('512 MiB'), 512 * 1024 ** 2);
    assert.equal(parseByteSize('1.5g'), 1.5 * 1024 ** 3);
    assert.equal(parseByteSize('64k'), 65_536);
    for (const bad of ['', '0', '-1GiB', '4GB', 'lots', '1e9'])
      assert.equal(parseByteSize(bad), undefined, bad);
    assert.equal(formatByteSize(4 * 1024 ** 3), '4GiB');
    assert.equal(formatByteSize(1000), '1000');
  });

  it('comes from --spool-max-bytes or VOLSTREAM_SPOOL_MAX_BYTES, and is optional', () => {
    const flag = loadConfig(SPOOL_OPTIONS, { argv: ['--spool-max-bytes', '512MiB'], env: {} });
    assert.equal(flag.config.spoolMaxBytes, 512 * 1024 ** 2);
    const env = loadConfig(SPOOL_OPTIONS, { argv: [], env: { VOLSTREAM_SPOOL_MAX_BYTES: '2GiB' } });
    assert.equal(env.config.spoolMaxBytes, 2 * 1024 ** 3);
    assert.equal(loadConfig(SPOOL_OPTIONS, { argv: [], env: {} }).config.spoolMaxBytes, undefined);
    assert.throws(
      () => loadConfig(SPOOL_OPTIONS, { argv: ['--spool-max-bytes', 'lots'], env: {} }),
      /spool-max-bytes/,
    );
    assert.ok('spoolMaxBytes' in runCommand.options);
  });
});
