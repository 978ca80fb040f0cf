import { VolstreamError } from '@volstream/errors';
import { parseArgv } from './argv.ts';
import type { ConfigOf, Field, Schema } from './field.ts';

export interface LoadConfigInput {
  /** Command-line arguments after the subcommand name. */
  readonly argv?: readonly string[];
  /** Environment; defaults to `process.env`. Tests pass their own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Where each setting's value came from, for `--print-config`-style diagnostics and tests. */
export type ConfigSource = 'flag' | 'env' | 'positional' | 'default' | 'absent';

export interface LoadedConfig<S extends Schema> {
  readonly config: ConfigOf<S>;
  readonly sources: Readonly<Record<keyof S, ConfigSource>>;
}

/** Quotes a raw value for an error message, so empty and whitespace values are visible. */
function quote(raw: string): string {
  return `'${raw.length > 200 ? `${raw.slice(0, 200)}…` : raw}'`;
}

function knownFlagsOf(schema: Schema): Map<string, { isSwitch: boolean }> {
  const flags = new Map<string, { isSwitch: boolean }>();
  for (const f of Object.values(schema)) {
    if (f.spec.flag !== undefined) flags.set(f.spec.flag, { isSwitch: f.spec.type.isSwitch });
  }
  return flags;
}

function howToSet(key: string, f: Field<unknown>): string {
  const ways: string[] = [];
  if (f.spec.positional) ways.push(`the ${key.toUpperCase()} argument`);
  if (f.spec.flag !== undefined) ways.push(`--${f.spec.flag}`);
  if (f.spec.env !== undefined) ways.push(`${f.spec.env}`);
  return ways.length === 0 ? key : ways.join(' or ');
}

/**
 * Resolves every field of `schema` from flags, then env, then the default (flags win over env,
 * env over defaults), validates all of them and returns a frozen config. Every problem is
 * collected first and reported together in one VolstreamError: `CONFIG_INVALID` when any value
 * is malformed or a flag is unknown, else `CONFIG_MISSING` when only required values are absent.
 * The error's `context.problems` lists one sentence per problem.
 */
export function loadConfig<S extends Schema>(schema: S, input: LoadConfigInput = {}): LoadedConfig<S> {
  const env = input.env ?? process.env;
  const parsed = parseArgv(input.argv ?? [], knownFlagsOf(schema));
  const invalid: string[] = [...parsed.problems];
  const missing: string[] = [];
  const config: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};
  const positionals = [...parsed.positionals];

  for (const [key, f] of Object.entries(schema)) {
    const { spec } = f;
    let raw: string | undefined;
    let source: ConfigSource = 'absent';
    let name = key;
    if (spec.positional && positionals.length > 0) {
      raw = positionals.shift();
      source = 'positional';
      name = key.toUpperCase();
    }
    if (raw === undefined && spec.flag !== undefined && parsed.flags.has(spec.flag)) {
      raw = parsed.flags.get(spec.flag);
      source = 'flag';
      name = `--${spec.flag}`;
    }
    if (raw === undefined && spec.env !== undefined) {
      const fromEnv = env[spec.env];
      // An empty variable counts as unset: `VOLSTREAM_BROKERS= cmd` is how shells unset for one run.
      if (fromEnv !== undefined && fromEnv !== '') {
        raw = fromEnv;
        source = 'env';
        name = spec.env;
      }
    }
    if (raw !== undefined) {
      const result = spec.type.parse(raw);
      if (result.ok) {
        // Lists are frozen too, so the whole config is immutable, not just its top level.
        config[key] = Array.isArray(result.value) ? Object.freeze(result.value) : result.value;
      } else {
        invalid.push(`Expected ${name} to be ${spec.type.expected}, was ${quote(raw)}`);
      }
    } else if (spec.defaultValue !== undefined) {
      config[key] = spec.defaultValue;
      source = 'default';
    } else if (spec.required) {
      missing.push(`Missing ${key}: set ${howToSet(key, f)} (expected ${spec.type.expected})`);
    } else {
      config[key] = undefined;
    }
    sources[key] = source;
  }
  if (positionals.length > 0) {
    invalid.push(
      `Unexpected argument${positionals.length > 1 ? 's' : ''} ${positionals.map(quote).join(' ')}`,
    );
  }

  const problems = [...invalid, ...missing];
  if (problems.length > 0) {
    throw new VolstreamError(
      invalid.length > 0 ? 'CONFIG_INVALID' : 'CONFIG_MISSING',
      problems.length === 1 ? (problems[0] as string) : `Invalid configuration:\n  ${problems.join('\n  ')}`,
      { context: { problems } },
    );
  }
  return {
    config: Object.freeze(config) as ConfigOf<S>,
    sources: Object.freeze(sources) as Record<keyof S, ConfigSource>,
  };
}
