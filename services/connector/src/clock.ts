/**
 * Local receive time in ns since the Unix epoch: a monotonic `process.hrtime.bigint()` anchored
 * once to the wall clock, so successive stamps never go backwards when NTP steps the clock, yet
 * stay comparable with other hosts' epoch times. Taken when a frame arrives, never overwritten.
 */
export type ReceiveClock = () => bigint;

export function createReceiveClock(): ReceiveClock {
  const anchorWallNs = BigInt(Date.now()) * 1_000_000n;
  const anchorHr = process.hrtime.bigint();
  return () => anchorWallNs + (process.hrtime.bigint() - anchorHr);
}
