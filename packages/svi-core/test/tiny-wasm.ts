// Hand-assembled minimal wasm modules for the negative tests: every exported function is a
// `() -> i32` returning a constant (or trapping with `unreachable`), plus an optional memory.

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/**
 * A module exporting `functions` (returning `value`, or trapping when listed in `trapping`) and,
 * if `memory`, a 1-page memory.
 */
export function tinyModule(
  functions: readonly string[],
  value: number,
  memory = true,
  trapping: readonly string[] = [],
): Uint8Array {
  const exports: number[] = [];
  let count = 0;
  for (const name of functions) {
    const bytes = [...new TextEncoder().encode(name)];
    exports.push(...uleb(bytes.length), ...bytes, 0x00, trapping.includes(name) ? 0x01 : 0x00);
    count++;
  }
  if (memory) {
    exports.push(...uleb(6), ...new TextEncoder().encode('memory'), 0x02, 0x00);
    count++;
  }
  const body = [0x00, 0x41, ...uleb(value), 0x0b];
  const trap = [0x00, 0x00, 0x0b];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, 0x00, 0x01, 0x7f]),
    ...section(3, [0x02, 0x00, 0x00]),
    ...(memory ? section(5, [0x01, 0x00, 0x01]) : []),
    ...section(7, [...uleb(count), ...exports]),
    ...section(10, [0x02, ...uleb(body.length), ...body, ...uleb(trap.length), ...trap]),
  ]);
}
