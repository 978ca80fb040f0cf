// Low-level binding to a quant-core ABI module (see quant-core/ABI.md): export validation, a
// reusable buffer arena in linear memory, and checked calls. Plain ESM without Node imports so a
// browser can use it; the file reading lives in svi_core.js.

/** The ABI version this loader speaks; a module reporting another version is refused. */
export const ABI_VERSION = 1;

/** Exports every replacement module must provide. */
export const REQUIRED_EXPORTS = Object.freeze([
  'memory',
  'vs_abi_version',
  'vs_alloc',
  'vs_free',
  'vs_black76',
  'vs_implied_vols',
  'vs_svi_fit',
  'vs_svi_g',
]);

/** Exports the default module provides; a replacement may omit them (the matching call then throws). */
export const OPTIONAL_EXPORTS = Object.freeze([
  'vs_fitter_id_ptr',
  'vs_fitter_id_len',
  'vs_black76_one',
  'vs_implied_vol_one',
  'vs_implied_vols_inverse',
  'vs_greeks',
  'vs_iv_update_coin_held',
  'vs_svi_w',
  'vs_svi_gj_repair',
  'vs_calendar_check',
  'vs_calendar_repair',
  'vs_essvi_fit',
  'vs_surface_metrics',
  'vs_tenor_metrics',
]);

/** Status codes returned by the batch functions (ABI.md "Status codes"). */
export const STATUS = Object.freeze({ OK: 0, BAD_POINTER: 1, BAD_LENGTH: 2 });

/** Error with a stable code (the same strings as @volstream/errors where one exists). */
export class SviCoreError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {Record<string, unknown>} [context]
   * @param {unknown} [cause]
   */
  constructor(code, message, context = {}, cause = undefined) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SviCoreError';
    this.code = code;
    this.context = Object.freeze({ ...context });
  }
}

/** Names of required exports that `exports` lacks (or that have the wrong kind). */
export function missingExports(exports) {
  const missing = [];
  for (const name of REQUIRED_EXPORTS) {
    const value = exports[name];
    const ok = name === 'memory' ? value instanceof WebAssembly.Memory : typeof value === 'function';
    if (!ok) missing.push(name);
  }
  return missing;
}

/**
 * Growable scratch buffers in the module's memory, one per argument slot, reused across calls so
 * the batch path allocates in wasm only when an input is larger than any before it.
 */
export class Arena {
  constructor(exports) {
    this.exports = exports;
    this.memory = exports.memory;
    /** @type {{ ptr: number; bytes: number }[]} */
    this.slots = [];
    this.buffer = null;
    this.f64 = new Float64Array(0);
    this.u8 = new Uint8Array(0);
  }

  /** Views over the current memory (a memory.grow detaches the old ArrayBuffer). */
  views() {
    if (this.buffer !== this.memory.buffer) {
      this.buffer = this.memory.buffer;
      this.f64 = new Float64Array(this.buffer);
      this.u8 = new Uint8Array(this.buffer);
    }
    return this;
  }

  /** Pointer to at least `bytes` bytes (8-aligned) for argument slot `slot`. */
  reserve(slot, bytes) {
    const current = this.slots[slot];
    if (current !== undefined && current.bytes >= bytes) return current.ptr;
    const size = Math.max(64, bytes, current === undefined ? 0 : current.bytes * 2);
    let ptr;
    try {
      if (current !== undefined) this.exports.vs_free(current.ptr, current.bytes);
      ptr = this.exports.vs_alloc(size) >>> 0;
    } catch (error) {
      this.slots[slot] = undefined;
      throw new SviCoreError(
        'QUANT_WASM_TRAP',
        `Expected vs_alloc/vs_free to return, they trapped: ${String(error)}`,
        { bytes: size },
        error,
      );
    }
    if (ptr === 0 || ptr % 8 !== 0) {
      this.slots[slot] = undefined;
      throw new SviCoreError(
        'QUANT_OUT_OF_MEMORY',
        `Expected an 8-aligned buffer of ${size} bytes, was ${ptr}`,
        {
          bytes: size,
        },
      );
    }
    this.slots[slot] = { ptr, bytes: size };
    return ptr;
  }

  /** Copies a Float64Array into slot `slot`; returns its pointer. */
  putF64(slot, values) {
    const ptr = this.reserve(slot, values.length * 8);
    this.views().f64.set(values, ptr >>> 3);
    return ptr;
  }

  /** Copies a Uint8Array into slot `slot`; returns its pointer. */
  putU8(slot, values) {
    const ptr = this.reserve(slot, values.length);
    this.views().u8.set(values, ptr);
    return ptr;
  }

  /** Copies `n` f64 from `ptr` into `out` (or a new array). */
  readF64(ptr, n, out) {
    const target = out ?? new Float64Array(n);
    target.set(this.views().f64.subarray(ptr >>> 3, (ptr >>> 3) + n));
    return target;
  }

  readU8(ptr, n) {
    return this.views().u8.slice(ptr, ptr + n);
  }
}

/**
 * Calls export `name`, turning a trap (a bug in a replacement module) into an SviCoreError and a
 * non-zero status into one as well. Returns the status.
 */
export function callChecked(exports, name, ...args) {
  const fn = exports[name];
  if (typeof fn !== 'function') {
    throw new SviCoreError('QUANT_UNSUPPORTED', `Expected the fitter module to export ${name}, it does not`, {
      export: name,
    });
  }
  let status;
  try {
    status = fn(...args);
  } catch (error) {
    throw new SviCoreError(
      'QUANT_WASM_TRAP',
      `Expected ${name} to return, it trapped: ${String(error)}`,
      {
        export: name,
      },
      error,
    );
  }
  if (status === STATUS.BAD_POINTER || status === STATUS.BAD_LENGTH) {
    throw new SviCoreError(
      'QUANT_ABI_ERROR',
      `Expected ${name} to accept its buffers, it returned status ${status}`,
      {
        export: name,
        status,
      },
    );
  }
  return status;
}

/** Reads the module's fitter id string, or a fallback when it exports none. */
export function readFitterId(exports) {
  if (typeof exports.vs_fitter_id_ptr !== 'function' || typeof exports.vs_fitter_id_len !== 'function') {
    return 'unknown';
  }
  try {
    const ptr = exports.vs_fitter_id_ptr() >>> 0;
    const len = Math.min(exports.vs_fitter_id_len() >>> 0, 256);
    const bytes = new Uint8Array(exports.memory.buffer, ptr, len);
    return new TextDecoder().decode(bytes.slice());
  } catch {
    return 'unreadable';
  }
}
