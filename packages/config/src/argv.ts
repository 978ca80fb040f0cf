/**
 * Splits command-line arguments into flags and positionals, GNU style: `--name value`,
 * `--name=value`, bare `--switch`, and `--` ending flag parsing. Which flags are switches
 * (take no value) comes from the schema, so `--from-beginning TOPIC` keeps TOPIC positional.
 */
import { closestMatch } from './suggest.ts';

export interface ParsedArgv {
  /** Flag name (without dashes) → raw values in order; a repeated flag keeps the last. */
  readonly flags: ReadonlyMap<string, string>;
  readonly positionals: readonly string[];
  /** Problems found while splitting: unknown flags, a value flag without its value. */
  readonly problems: readonly string[];
}

export function parseArgv(
  argv: readonly string[],
  knownFlags: ReadonlyMap<string, { isSwitch: boolean }>,
): ParsedArgv {
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  const problems: string[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const body = arg.replace(/^-{1,2}/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const known = knownFlags.get(name);
    if (known === undefined) {
      const negated = name.startsWith('no-') ? knownFlags.get(name.slice(3)) : undefined;
      if (negated?.isSwitch === true && eq === -1) {
        flags.set(name.slice(3), 'false');
        continue;
      }
      const hint = closestMatch(name, knownFlags.keys());
      problems.push(`Unknown flag --${name}${hint === undefined ? '' : ` (did you mean --${hint}?)`}`);
      // A typo of a value flag (`--broker a:1`) takes its value along, so the value is not
      // reported a second time as an unexpected argument.
      const next = argv[i + 1];
      if (
        eq === -1 &&
        hint !== undefined &&
        knownFlags.get(hint)?.isSwitch === false &&
        next !== undefined &&
        !next.startsWith('-')
      ) {
        i++;
      }
      continue;
    }
    if (eq !== -1) {
      flags.set(name, body.slice(eq + 1));
    } else if (known.isSwitch) {
      flags.set(name, 'true');
    } else {
      const next = argv[i + 1];
      if (next === undefined) {
        problems.push(`Expected a value after --${name}, was nothing`);
      } else {
        flags.set(name, next);
        i++;
      }
    }
  }
  return { flags, positionals, problems };
}
