import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bool,
  COMMON_OPTIONS,
  duration,
  enumOf,
  formatOptionsHelp,
  hostPort,
  int,
  list,
  loadConfig,
  number,
  resolveBusTransport,
  string,
  url,
} from '@volstream/config';
import { isVolstreamError, type VolstreamError } from '@volstream/errors';

const schema = {
  brokers: list(hostPort()).env('VOLSTREAM_BROKERS').flag('brokers').describe('Bootstrap servers.'),
  limit: int({ min: 1, max: 1000 }).default(10).env('VOLSTREAM_LIMIT').flag('limit'),
  ratio: number({ min: 0 }).optional().flag('ratio'),
  verbose: bool().default(false).flag('verbose').env('VOLSTREAM_VERBOSE'),
  mode: enumOf(['fast', 'safe']).default('safe').flag('mode'),
  window: duration().default(60_000).flag('window').env('VOLSTREAM_WINDOW'),
  endpoint: url({ protocols: ['ws', 'wss'] })
    .optional()
    .flag('endpoint'),
  topic: string().positional(),
};

function failure(fn: () => unknown): VolstreamError {
  try {
    fn();
  } catch (error) {
    assert.ok(isVolstreamError(error), `expected a VolstreamError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('parses flags, env, positionals and defaults into typed values', () => {
    const { config, sources } = loadConfig(schema, {
      argv: ['--brokers', 'a:9092, b:9093', 'volstream.marketdata.v1', '--verbose', '--window=5m'],
      env: { VOLSTREAM_LIMIT: '25' },
    });
    assert.deepEqual(config.brokers, ['a:9092', 'b:9093']);
    assert.equal(config.limit, 25);
    assert.equal(config.ratio, undefined);
    assert.equal(config.verbose, true);
    assert.equal(config.mode, 'safe');
    assert.equal(config.window, 300_000);
    assert.equal(config.topic, 'volstream.marketdata.v1');
    assert.equal(sources.brokers, 'flag');
    assert.equal(sources.limit, 'env');
    assert.equal(sources.mode, 'default');
    assert.equal(sources.topic, 'positional');
  });

  it('lets flags win over env and env win over defaults', () => {
    const env = { VOLSTREAM_BROKERS: 'env:1', VOLSTREAM_LIMIT: '7', VOLSTREAM_WINDOW: '30s' };
    const { config } = loadConfig(schema, { argv: ['t', '--brokers=flag:2', '--limit', '9'], env });
    assert.deepEqual(config.brokers, ['flag:2']);
    assert.equal(config.limit, 9);
    assert.equal(config.window, 30_000);
    const { config: fromDefaults } = loadConfig(schema, { argv: ['t'], env: { VOLSTREAM_BROKERS: 'x:1' } });
    assert.equal(fromDefaults.limit, 10);
    assert.equal(fromDefaults.window, 60_000);
  });

  it('treats an empty environment variable as unset', () => {
    const error = failure(() => loadConfig(schema, { argv: ['t'], env: { VOLSTREAM_BROKERS: '' } }));
    assert.equal(error.code, 'CONFIG_MISSING');
  });

  it('returns a deeply frozen config', () => {
    const { config } = loadConfig(schema, { argv: ['t'], env: { VOLSTREAM_BROKERS: 'a:1,b:2' } });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.brokers));
    assert.throws(() => {
      (config as { limit: number }).limit = 3;
    }, TypeError);
    assert.throws(() => (config.brokers as string[]).push('c:3'), TypeError);
  });

  it('names the setting, the source and the expectation of a bad value', () => {
    const fromEnv = failure(() =>
      loadConfig(schema, { argv: ['t'], env: { VOLSTREAM_BROKERS: 'localhost' } }),
    );
    assert.equal(fromEnv.code, 'CONFIG_INVALID');
    assert.equal(
      fromEnv.message,
      "Expected VOLSTREAM_BROKERS to be a comma-separated list of host:port, was 'localhost'",
    );
    const fromFlag = failure(() =>
      loadConfig(schema, { argv: ['t', '--limit', '0'], env: { VOLSTREAM_BROKERS: 'a:1' } }),
    );
    assert.equal(fromFlag.message, "Expected --limit to be an integer between 1 and 1000, was '0'");
  });

  it('reports every problem at once, missing ones with how to set them', () => {
    const error = failure(() =>
      loadConfig(schema, {
        argv: [
          '--limit',
          'lots',
          '--mode',
          'turbo',
          '--window',
          '5 minutes',
          '--endpoint',
          'http://x',
          '--bogus',
        ],
        env: {},
      }),
    );
    assert.equal(error.code, 'CONFIG_INVALID');
    const problems = error.context.problems as string[];
    assert.equal(problems.length, 7);
    assert.ok(problems.includes('Unknown flag --bogus'));
    assert.ok(problems.includes("Expected --mode to be one of fast, safe, was 'turbo'"));
    assert.ok(problems.some((p) => p.startsWith('Expected --window to be a duration such as 500ms')));
    assert.ok(problems.includes("Expected --endpoint to be a URL with scheme ws: or wss:, was 'http://x'"));
    assert.ok(
      problems.includes(
        'Missing brokers: set --brokers or VOLSTREAM_BROKERS (expected a comma-separated list of host:port)',
      ),
    );
    assert.ok(problems.some((p) => p.startsWith('Missing topic: set the TOPIC argument')));
    for (const problem of problems) assert.ok(error.message.includes(problem));
  });

  it('uses CONFIG_MISSING when values are only absent', () => {
    const error = failure(() => loadConfig(schema, { argv: [], env: { VOLSTREAM_BROKERS: 'a:1' } }));
    assert.equal(error.code, 'CONFIG_MISSING');
    assert.match(error.message, /Missing topic/);
  });

  it('rejects unknown flags, missing flag values and extra arguments', () => {
    const env = { VOLSTREAM_BROKERS: 'a:1' };
    assert.match(
      failure(() => loadConfig(schema, { argv: ['t', '--nope=1'], env })).message,
      /Unknown flag --nope/,
    );
    assert.match(
      failure(() => loadConfig(schema, { argv: ['t', '--limit'], env })).message,
      /Expected a value after --limit, was nothing/,
    );
    assert.match(
      failure(() => loadConfig(schema, { argv: ['t', 'u'], env })).message,
      /Unexpected argument 'u'/,
    );
  });

  it('suggests the closest flag for a typo and does not report its value twice', () => {
    const error = failure(() =>
      loadConfig(schema, { argv: ['t', '--broker', 'a:1', '--limt', '3', '--zzz'], env: {} }),
    );
    assert.deepEqual(error.context.problems, [
      'Unknown flag --broker (did you mean --brokers?)',
      'Unknown flag --limt (did you mean --limit?)',
      'Unknown flag --zzz',
      'Missing brokers: set --brokers or VOLSTREAM_BROKERS (expected a comma-separated list of host:port)',
    ]);
  });

  it('parses switches with explicit values and --no- negation', () => {
    const env = { VOLSTREAM_BROKERS: 'a:1', VOLSTREAM_VERBOSE: 'yes' };
    assert.equal(loadConfig(schema, { argv: ['t'], env }).config.verbose, true);
    assert.equal(loadConfig(schema, { argv: ['t', '--no-verbose'], env }).config.verbose, false);
    assert.equal(loadConfig(schema, { argv: ['t', '--verbose=off'], env }).config.verbose, false);
    assert.equal(
      failure(() => loadConfig(schema, { argv: ['t', '--verbose=maybe'], env })).code,
      'CONFIG_INVALID',
    );
  });

  it('parses durations in every unit and rejects nonsense', () => {
    const d = { window: duration({ min: 1 }).flag('w') };
    const ms = (raw: string) => loadConfig(d, { argv: ['--w', raw], env: {} }).config.window;
    assert.equal(ms('250ms'), 250);
    assert.equal(ms('250'), 250);
    assert.equal(ms('2s'), 2000);
    assert.equal(ms('1.5h'), 5_400_000);
    assert.equal(ms('1d'), 86_400_000);
    for (const raw of ['', '-1s', '5 m', '1w', '0']) {
      assert.equal(failure(() => ms(raw)).code, 'CONFIG_INVALID', raw);
    }
  });

  it('accepts host:port forms including IPv6 and rejects missing or bad ports', () => {
    const s = { b: list(hostPort()).flag('b') };
    const parse = (raw: string) => loadConfig(s, { argv: ['--b', raw], env: {} }).config.b;
    assert.deepEqual(parse('127.0.0.1:9092,[::1]:9093,redpanda-0.redpanda:9092'), [
      '127.0.0.1:9092',
      '[::1]:9093',
      'redpanda-0.redpanda:9092',
    ]);
    for (const raw of ['localhost', 'host:0', 'host:70000', 'a:1,', 'a b:1']) {
      assert.equal(failure(() => parse(raw)).code, 'CONFIG_INVALID', raw);
    }
  });
});

describe('common options', () => {
  it('choose kafka when brokers are given and inprocess otherwise', () => {
    const none = loadConfig(COMMON_OPTIONS, { env: {} }).config;
    assert.equal(resolveBusTransport(none), 'inprocess');
    assert.equal(none.logLevel, 'info');
    assert.equal(none.dataDir, '.volstream');
    const withBrokers = loadConfig(COMMON_OPTIONS, { env: { VOLSTREAM_BROKERS: 'r:9092' } }).config;
    assert.equal(resolveBusTransport(withBrokers), 'kafka');
    const forced = loadConfig(COMMON_OPTIONS, {
      argv: ['--bus', 'inprocess'],
      env: { VOLSTREAM_BROKERS: 'r:9092' },
    });
    assert.equal(resolveBusTransport(forced.config), 'inprocess');
  });

  it('render help from the schema with env names and defaults', () => {
    const help = formatOptionsHelp(COMMON_OPTIONS);
    assert.match(help, /--brokers HOST:PORT,\.\.\./);
    assert.match(help, /env VOLSTREAM_BROKERS/);
    assert.match(help, /--log-level trace\|debug\|info\|warn\|error\|fatal\|silent/);
    assert.match(help, /default info/);
    assert.match(help, /default \.volstream/);
  });
});
