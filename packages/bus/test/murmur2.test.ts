import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Partitioners } from 'kafkajs';
import { murmur2, PartitionCache, partitionOf } from '../src/index.ts';

test('murmur2 matches the values of Apache Kafka Utils.murmur2', () => {
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [text, expected] of vectors) assert.equal(murmur2(Buffer.from(text)), expected, text);
});

test('partitionOf agrees with kafkajs DefaultPartitioner (Java-compatible) for every key and count', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  const keys = ['BTC-27JUN25-100000-C', 'deribit:ETH-PERPETUAL', 'okx:BTC:2025-06-27', 'é漢字🙂', ''];
  for (let i = 0; i < 2000; i++) keys.push(`deribit:BTC-${i}-${(i * 7919) % 1000}-${i % 2 ? 'C' : 'P'}`);
  for (const partitions of [1, 2, 3, 4, 7, 12, 24, 64]) {
    const partitionMetadata = Array.from({ length: partitions }, (_, p) => ({
      partitionId: p,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    for (const key of keys) {
      const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
      assert.equal(partitionOf(key, partitions), expected, `${key} over ${partitions}`);
    }
  }
});

test('PartitionCache returns partitionOf and stays bounded', () => {
  const cache = new PartitionCache(12, 100);
  for (let i = 0; i < 1000; i++) assert.equal(cache.get(`k${i}`), partitionOf(`k${i}`, 12));
  assert.ok(cache.size <= 100);
  for (let i = 0; i < 1000; i++) assert.equal(cache.get(`k${i}`), partitionOf(`k${i}`, 12));
  assert.ok(cache.size <= 100);
});
