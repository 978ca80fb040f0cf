/**
 * The subset of the browser WebSocket API the client uses; both `globalThis.WebSocket` (browsers,
 * Node >= 22) and the `ws` package implement it. Keeping to this subset keeps the browser path free
 * of Node imports.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: Uint8Array | string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** WebSocket.OPEN in every implementation. */
export const OPEN = 1;

/**
 * The constructor to use: the caller's, else the platform's global (browsers), else the `ws`
 * package, loaded lazily so a browser bundle never needs it.
 */
export async function resolveWebSocket(given?: WebSocketConstructor): Promise<WebSocketConstructor> {
  if (given !== undefined) return given;
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global !== undefined) return global;
  const moduleName = 'ws';
  const mod = (await import(moduleName)) as { default: WebSocketConstructor };
  return mod.default;
}
