import {
  formatArgumentsHelp,
  formatOptionsHelp,
  formatPositionalUsage,
  type Schema,
} from '@volstream/config';
import type { Command } from './command.ts';

/** `volstream --help`: every registered command with its summary. */
export function formatMainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `volstream ${version}: real-time crypto options volatility surfaces`,
    '',
    'Usage: volstream <command> [options]',
    '       volstream help <command>   (or volstream <command> --help)',
    '       volstream --version',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Settings come from flags, then environment variables, then defaults; every command lists its',
    'own. Results are printed on stdout, logs on stderr (JSON, or one-liners on a terminal).',
    '',
  ].join('\n');
}

/** `volstream <cmd> --help`, generated from the command's options schema. */
export function formatCommandHelp(command: Command, schema: Schema): string {
  const positional = formatPositionalUsage(schema);
  const lines = [
    `Usage: volstream ${command.name}${positional === '' ? '' : ` ${positional}`} [options]`,
    '',
  ];
  lines.push(command.summary);
  if (command.description !== undefined) lines.push('', command.description.trim());
  const args = formatArgumentsHelp(schema);
  if (args !== '') lines.push('', 'Arguments:', args);
  lines.push('', 'Options:', formatOptionsHelp(schema, [['--help', 'Show this help.']]));
  if (command.examples !== undefined && command.examples.length > 0) {
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  }
  lines.push('');
  return lines.filter((line, i, all) => !(line === '' && all[i - 1] === '' && i > 0)).join('\n');
}
