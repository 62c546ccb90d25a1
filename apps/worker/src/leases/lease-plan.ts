/** A lease this worker holds: the partition and the epoch it acquired it at (its fence). */
export interface HeldLease {
  partition: string;
  epoch: bigint;
}

export interface LeasePlanInput {
  /** P: the stream's partition count. */
  partitions: number;
  /** Workers of the source with an unexpired heartbeat (this one included; below 1 counts as 1). */
  liveWorkers: number;
  /** Leases this worker holds and reads (renewed at this scan). */
  held: readonly HeldLease[];
  /** Partitions this worker is still winding down (final flush, or dropping lost work): never re-acquired meanwhile. */
  windingDown: readonly string[];
}

export interface LeasePlan {
  /** ceil(P / live workers): what each worker should hold. */
  fairShare: number;
  /** Partitions to give back (after their final flush): the highest above the share, so a joining worker gets the same ones from everybody. */
  release: string[];
  /** How many free or expired partitions to take; the acquisition statement picks which (lowest first, skipping locked rows). */
  acquire: number;
  /** Partitions the acquisition must not take: the ones winding down here. */
  exclude: string[];
}

/**
 * The lease protocol's decision, without a database or a broker: from what
 * this worker holds and how many workers are live, what it should give back
 * or take. Fair share ceil(P / live) means every partition has a taker and
 * no worker holds more than one partition above another's share.
 */
export function planLeases(input: LeasePlanInput): LeasePlan {
  if (!Number.isSafeInteger(input.partitions) || input.partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${input.partitions}`);
  const fairShare = Math.ceil(input.partitions / Math.max(1, input.liveWorkers));
  const excess = input.held.length - fairShare;
  const release = excess > 0 ? [...input.held].sort((a, b) => Number(b.partition) - Number(a.partition)).slice(0, excess).map((lease) => lease.partition) : [];
  const acquire = Math.max(0, fairShare - input.held.length);
  return { fairShare, release, acquire, exclude: acquire > 0 ? [...input.windingDown] : [] };
}

/** The held leases a renewal did not extend: taken over (or re-acquired at a later epoch), so lost. */
export function leasesLost(held: readonly HeldLease[], renewed: ReadonlySet<string>): HeldLease[] {
  return held.filter((lease) => !renewed.has(lease.partition));
}
