import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TOPICS } from '@volstream/contracts';
import { ROOT } from './cli-process.ts';

/**
 * terraform and Redpanda are not installable on the build machines, so these checks keep
 * `redpanda.yaml` and `infra/terraform` honest another way: the topics they create must match
 * the registry, and the Terraform modules must be wired consistently (every module argument is a
 * declared variable, every required variable is passed, brackets balance).
 */

const TERRAFORM = join(ROOT, 'infra', 'terraform');
const registry = Object.values(TOPICS).map((t) => ({
  name: t.name,
  partitions: t.partitions,
  retentionMs: t.retentionMs,
  cleanupPolicy: t.compacted ? 'compact' : 'delete',
}));

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

function tfFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tfFiles(join(dir, e.name)) : e.name.endsWith('.tf') ? [join(dir, e.name)] : [],
  );
}

/** Declared variables of a module directory: name → whether it has a default. */
function variablesOf(dir: string): Map<string, boolean> {
  const vars = new Map<string, boolean>();
  const text = tfFiles(dir)
    .filter((f) => f.startsWith(dir) && !f.slice(dir.length + 1).includes('/'))
    .map(read)
    .join('\n');
  for (const block of text.split(/^variable\s+/m).slice(1)) {
    const name = /^"([^"]+)"/.exec(block)?.[1];
    const body = block.split(/^}/m)[0] ?? '';
    if (name !== undefined) vars.set(name, /^\s*default\s*=/m.test(body));
  }
  return vars;
}

/** Bracket balance outside strings and comments: a cheap guard against a broken edit. */
function assertBalanced(path: string): void {
  const text = read(path)
    .replace(/<<-?(\w+)\n[\s\S]*?\n\s*\1\n/g, '""\n')
    .replace(/#.*$/gm, '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const stack: string[] = [];
  const pairs: Record<string, string> = { '}': '{', ']': '[', ')': '(' };
  for (const ch of text) {
    if (ch === '{' || ch === '[' || ch === '(') stack.push(ch);
    else if (ch in pairs) assert.equal(stack.pop(), pairs[ch], `${path}: unbalanced '${ch}'`);
  }
  assert.deepEqual(stack, [], `${path}: unclosed brackets`);
}

describe('redpanda.yaml', () => {
  const yaml = read(join(ROOT, 'redpanda.yaml'));

  it('is a single-node dev config on 127.0.0.1:9092 with auto-create off', () => {
    assert.match(yaml, /^ {2}node_id: 0$/m);
    assert.match(yaml, /^ {2}developer_mode: true$/m);
    assert.match(yaml, /^ {2}auto_create_topics_enabled: false$/m);
    assert.match(yaml, /kafka_api:\n\s+- name: internal\n\s+address: 127\.0\.0\.1\n\s+port: 9092/);
    assert.match(yaml, /admin:\n\s+- address: 127\.0\.0\.1\n\s+port: 9644/);
    assert.doesNotMatch(yaml, /\t/, 'YAML must not contain tabs');
  });

  it('creates every registry topic with its partitions and retention', () => {
    for (const t of registry) {
      const line = new RegExp(
        `rpk topic create ${t.name.replace(/\./g, '\\.')} -p ${t.partitions} -r 1 -c retention\\.ms=${t.retentionMs} -c cleanup\\.policy=${t.cleanupPolicy}\\b`,
      );
      assert.match(yaml, line, t.name);
    }
  });

  it('documents the production layout: 3 brokers, RF 3, rack awareness', () => {
    assert.match(yaml, /enable_rack_awareness: true/);
    assert.match(yaml, /default_topic_replications: 3/);
    assert.match(yaml, /redpanda-2\.redpanda/);
  });
});

describe('infra/terraform', () => {
  it('declares every registry topic with the registry partitions, retention and cleanup policy', () => {
    const variables = read(join(TERRAFORM, 'variables.tf'));
    for (const t of registry) {
      const line = new RegExp(
        `"${t.name.replace(/\./g, '\\.')}"\\s*=\\s*\\{ partitions = ${t.partitions}, retention_ms = ${t.retentionMs}, cleanup_policy = "${t.cleanupPolicy}" \\}`,
      );
      assert.match(variables, line, t.name);
    }
    const declared = [...variables.matchAll(/^\s+"(volstream\.[^"]+)"\s*=/gm)].map((m) => m[1]);
    assert.deepEqual(declared.sort(), registry.map((t) => t.name).sort());
  });

  it('has balanced brackets in every .tf file', () => {
    const files = tfFiles(TERRAFORM);
    assert.ok(files.length >= 10, `only ${files.length} .tf files`);
    for (const file of files) assertBalanced(file);
  });

  it('passes every module exactly the variables it declares', () => {
    const main = read(join(TERRAFORM, 'main.tf'));
    const modules = [...main.matchAll(/^module\s+"([^"]+)"\s*\{\n([\s\S]*?)^}/gm)];
    assert.deepEqual(modules.map((m) => m[1]).sort(), ['clickhouse', 'redpanda', 'services', 'topics']);
    for (const [, name, body = ''] of modules) {
      const source = /^\s*source\s*=\s*"([^"]+)"/m.exec(body)?.[1];
      assert.ok(source !== undefined, `${name}: no source`);
      const dir = join(TERRAFORM, source);
      assert.ok(existsSync(dir), `${name}: ${source} missing`);
      const declared = variablesOf(dir);
      const topLevel = body.replace(/\{[^{}]*\}/g, '{}');
      const passed = [...topLevel.matchAll(/^ {2}(\w+)\s*=/gm)]
        .map((m) => m[1] as string)
        .filter((arg) => arg !== 'source' && arg !== 'depends_on');
      for (const arg of passed) assert.ok(declared.has(arg), `module ${name} passes undeclared ${arg}`);
      for (const [v, hasDefault] of declared) {
        if (!hasDefault) assert.ok(passed.includes(v), `module ${name} misses required ${v}`);
      }
    }
  });

  it('uses only root variables that are declared', () => {
    const declared = variablesOf(TERRAFORM);
    const used = new Set(
      tfFiles(TERRAFORM)
        .filter((f) => !f.includes('/modules/'))
        .flatMap((f) => [...read(f).matchAll(/\bvar\.(\w+)/g)].map((m) => m[1] as string)),
    );
    for (const name of used) assert.ok(declared.has(name), `var.${name} is not declared`);
  });
});
