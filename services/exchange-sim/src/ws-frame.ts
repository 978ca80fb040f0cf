/**
 * Server-to-client websocket text frames built by hand (RFC 6455 §5.2: FIN + opcode 0x1, no mask
 * from a server, 7/16/64-bit payload length), so one notification is encoded once and the same
 * bytes are written to every subscriber, and a tick's frames for one connection go out in one
 * socket write instead of one `ws.send` each.
 */
export function textFrame(payload: string): Buffer {
  const len = Buffer.byteLength(payload, 'utf8');
  const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const buf = Buffer.allocUnsafe(head + len);
  buf[0] = 0x81;
  if (len < 126) {
    buf[1] = len;
  } else if (len < 65_536) {
    buf[1] = 126;
    buf.writeUInt16BE(len, 2);
  } else {
    buf[1] = 127;
    buf.writeBigUInt64BE(BigInt(len), 2);
  }
  buf.write(payload, head, 'utf8');
  return buf;
}
