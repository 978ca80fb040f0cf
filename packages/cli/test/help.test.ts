import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '@volstream/cli';
import { type CliResult, runCli } from './cli-process.ts';

describe('volstream help and usage errors (child process)', () => {
  it('--help lists every registered command and exits 0', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Usage: volstream <command> \[options\]/);
    for (const command of COMMANDS) {
      assert.match(result.stdout, new RegExp(`^  ${command.name} +${escapeRegExp(command.summary)}$`, 'm'));
    }
  });

  it('every subcommand has --help and help <cmd> generated from its options', async () => {
    // Four CLI processes at a time, not all 20 at once: such a burst on the 2 CI cores starves
    // whatever test file runs next to this one (and is no faster).
    const results: { command: (typeof COMMANDS)[number]; flag: CliResult; word: CliResult }[] = [];
    const queue = [...COMMANDS];
    const worker = async (): Promise<void> => {
      for (let command = queue.shift(); command !== undefined; command = queue.shift()) {
        results.push({
          command,
          flag: await runCli([command.name, '--help']),
          word: await runCli(['help', command.name]),
        });
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    for (const { command, flag, word } of results) {
      assert.equal(flag.code, 0, `${command.name} --help: ${flag.stderr}`);
      assert.equal(flag.stdout, word.stdout, `help ${command.name} differs from ${command.name} --help`);
      assert.match(flag.stdout, new RegExp(`^Usage: volstream ${command.name}\\b`));
      assert.match(flag.stdout, /--log-level /);
      for (const f of Object.values(command.options)) {
        if (f.spec.flag !== undefined)
          assert.ok(flag.stdout.includes(`--${f.spec.flag}`), `${command.name} --${f.spec.flag}`);
        if (f.spec.env !== undefined)
          assert.ok(flag.stdout.includes(f.spec.env), `${command.name} ${f.spec.env}`);
      }
    }
    const tap = results.find((r) => r.command.name === 'tap');
    assert.match(tap?.flag.stdout ?? '', /Usage: volstream tap TOPIC \[options\]/);
    assert.match(tap?.flag.stdout ?? '', /--from-beginning/);
  });

  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^volstream \d+\.\d+\.\d+\n$/);
  });

  it('an unknown command exits 2 and lists the known ones', async () => {
    const result = await runCli(['bogus']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command 'bogus'/);
    assert.doesNotMatch(result.stderr, /did you mean/);
    assert.match(result.stderr, /Known commands: run, tap/);
    assert.equal(result.stdout, '');
  });

  it('a mistyped command exits 2 and suggests the closest one', async () => {
    const result = await runCli(['tapp']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command 'tapp' \(did you mean 'tap'\?\)/);
  });

  it('an unknown flag or a bad value exits 2 naming every problem and its source', async () => {
    const result = await runCli(['run', '--bogus', '--for', 'soon'], { VOLSTREAM_BROKERS: 'localhost' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unknown flag --bogus/);
    assert.match(result.stderr, /Expected --for to be a duration such as 500ms, 60s, 5m or 1h.*, was 'soon'/);
    assert.match(
      result.stderr,
      /Expected VOLSTREAM_BROKERS to be a comma-separated list of host:port, was 'localhost'/,
    );
    assert.match(result.stderr, /See 'volstream run --help'/);
  });

  it('a missing required argument exits 2 saying how to set it', async () => {
    const result = await runCli(['fitter-check']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Missing wasm: set the WASM argument or FITTER_WASM/);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
