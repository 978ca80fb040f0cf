import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';

/**
 * A fresh contract message per call, cloned from one `create(schema)` made up front: V8 copies an
 * object of a known shape far faster than `create` walks the schema, and the hot path makes
 * several messages per venue frame. The template comes from `create`, so every field of the
 * current schema is present with its default (a field added to the proto later is too).
 * List fields of a clone are SHARED with the template: callers assign fresh arrays to them.
 */
export function templateOf<Desc extends DescMessage>(schema: Desc): () => MessageShape<Desc> {
  const base = create(schema);
  return () => ({ ...base });
}
