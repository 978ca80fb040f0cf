/**
 * One setting of a config schema: how to parse its raw text, where it comes from (flag, env,
 * positional argument), its default and its help text. Fields are immutable: every modifier
 * returns a new field, so a shared field (e.g. the common `brokers`) can be refined per command
 * without affecting other commands.
 */

/** Result of parsing one raw value; `expected` on the field explains a failure. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false };

/** The pure value grammar of a field, independent of where the value comes from. */
export interface ValueType<T> {
  /** Human description used in errors and help: "an integer between 1 and 100". */
  readonly expected: string;
  /** Placeholder in help: `N`, `DURATION`, `HOST:PORT,...`. */
  readonly placeholder: string;
  /** True for booleans: a bare `--flag` means true and takes no value. */
  readonly isSwitch: boolean;
  parse(raw: string): ParseResult<T>;
  /** Renders a default value in help, the inverse of `parse`. */
  show(value: T): string;
}

export interface FieldSpec<T> {
  readonly type: ValueType<NonNullable<T>>;
  readonly required: boolean;
  readonly defaultValue: NonNullable<T> | undefined;
  readonly env: string | undefined;
  readonly flag: string | undefined;
  readonly positional: boolean;
  readonly description: string;
}

export class Field<T> {
  readonly spec: FieldSpec<T>;
  /** Phantom member so TypeScript infers the value type of a schema; never read at runtime. */
  declare readonly __value: T;

  constructor(spec: FieldSpec<T>) {
    this.spec = Object.freeze(spec);
  }

  /** The setting may be absent; its value is then `undefined`. */
  optional(): Field<T | undefined> {
    return new Field<T | undefined>({ ...this.spec, required: false, defaultValue: undefined });
  }

  /** Value used when neither flag nor env gives one. */
  default(value: NonNullable<T>): Field<NonNullable<T>> {
    return new Field<NonNullable<T>>({ ...this.spec, required: false, defaultValue: value });
  }

  /** Environment variable name, e.g. `VOLSTREAM_BROKERS`. */
  env(name: string): Field<T> {
    return new Field<T>({ ...this.spec, env: name });
  }

  /** Flag name with or without the leading dashes: `brokers` or `--brokers`. */
  flag(name: string): Field<T> {
    return new Field<T>({ ...this.spec, flag: name.replace(/^-+/, '') });
  }

  /** Filled from the next positional argument (in schema order), e.g. `tap TOPIC`. */
  positional(): Field<T> {
    return new Field<T>({ ...this.spec, positional: true });
  }

  /** One-line help text. */
  describe(text: string): Field<T> {
    return new Field<T>({ ...this.spec, description: text });
  }
}

/** A schema is a record of fields; its config is the record of their values. */
export type Schema = Readonly<Record<string, Field<unknown>>>;

export type ConfigOf<S extends Schema> = {
  readonly [K in keyof S]: S[K]['__value'];
};

export function field<T>(type: ValueType<T>): Field<T> {
  return new Field<T>({
    type: type as ValueType<NonNullable<T>>,
    required: true,
    defaultValue: undefined,
    env: undefined,
    flag: undefined,
    positional: false,
    description: '',
  });
}
