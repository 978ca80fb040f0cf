/**
 * Deribit API v2 JSON-RPC framing. https://docs.deribit.com/#json-rpc
 * Replies echo `id` and carry `usIn`/`usOut`/`usDiff` (server µs) and `testnet` (real reply:
 * `{"jsonrpc":"2.0","id":0,"result":[...],"usIn":1626993723846980,"usOut":1626993723847561,
 * "usDiff":581,"testnet":false}`); errors are `{"error":{"message","code"[,"data"]}}`;
 * notifications have no id: `{"jsonrpc":"2.0","method":"subscription","params":{"channel","data"}}`.
 */

export const RPC_ERRORS = {
  parseError: { code: -32700, message: 'Parse error' },
  /** Deribit's answer to an oversized subscribe (tmatic-trading/crypto-platform#439). */
  entityTooLarge: { code: -32600, message: 'request entity too large' },
  invalidRequest: { code: -32600, message: 'Invalid Request' },
  methodNotFound: { code: -32601, message: 'Method not found' },
  invalidParams: { code: -32602, message: 'Invalid params' },
  tooManyRequests: { code: 10028, message: 'too_many_requests' },
} as const;

export interface RpcError {
  code: number;
  message: string;
  data?: Record<string, unknown>;
}

export type RpcId = number | string | null;

/** Wall-clock microseconds (Date.now with sub-ms from the monotonic clock). */
export function nowMicros(): number {
  const ms = Date.now();
  const sub = Number(process.hrtime.bigint() % 1000n);
  return ms * 1000 + sub;
}

function timing(usIn: number): string {
  const usOut = Math.max(nowMicros(), usIn);
  return `"usIn":${usIn},"usOut":${usOut},"usDiff":${usOut - usIn},"testnet":false`;
}

export function resultReply(id: RpcId, result: unknown, usIn: number): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${JSON.stringify(result)},${timing(usIn)}}`;
}

export function errorReply(id: RpcId | undefined, error: RpcError, usIn: number): string {
  const idPart = id === undefined ? '' : `"id":${JSON.stringify(id)},`;
  const body: Record<string, unknown> = { message: error.message, code: error.code };
  if (error.data !== undefined) body.data = error.data;
  return `{"jsonrpc":"2.0",${idPart}"error":${JSON.stringify(body)},${timing(usIn)}}`;
}

/** A subscription notification around data already serialised once for every subscriber. */
export function notification(channel: string, dataJson: string): string {
  return `{"jsonrpc":"2.0","method":"subscription","params":{"channel":${JSON.stringify(channel)},"data":${dataJson}}}`;
}

export function heartbeatMessage(type: 'heartbeat' | 'test_request'): string {
  return `{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"${type}"}}`;
}

export interface RpcRequest {
  id: RpcId | undefined;
  method: string;
  params: Record<string, unknown>;
}

/** Parses one client frame; a string error says why it is not a JSON-RPC request. */
export function parseRequest(text: string): RpcRequest | { error: RpcError; id: RpcId | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: RPC_ERRORS.parseError, id: undefined };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: RPC_ERRORS.invalidRequest, id: undefined };
  }
  const obj = value as Record<string, unknown>;
  const rawId = obj.id;
  const id: RpcId | undefined =
    typeof rawId === 'number' || typeof rawId === 'string' || rawId === null ? rawId : undefined;
  if (typeof obj.method !== 'string') return { error: RPC_ERRORS.invalidRequest, id };
  const params = obj.params;
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    return { error: { ...RPC_ERRORS.invalidParams, data: { reason: 'params must be an object' } }, id };
  }
  return { id, method: obj.method, params: (params ?? {}) as Record<string, unknown> };
}
