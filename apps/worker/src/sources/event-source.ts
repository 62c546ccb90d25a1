/**
 * A replayable, ordered source of raw events (one NDJSON line / message each).
 *
 * Positions: every record carries the position of its partition *after* the
 * record. The worker stores the latest position per partition in the same
 * transaction as the progress it produced, and on start asks the source to
 * resume after the stored positions. The source must therefore be
 * deterministic: reading again from a position yields the same records.
 *
 * NDJSON has one partition ("0") and byte offsets as positions; a JetStream
 * source maps partitions to subjects and positions to stream sequences.
 */
export interface SourceRecord {
  partition: string;
  /** Position after this record: resuming at it starts with the next record. */
  position: bigint;
  payload: string;
  /**
   * Set when the record was longer than the source's line limit: `payload`
   * then holds only its beginning, and the record must be dead-lettered.
   */
  oversizedBytes?: number;
}

export interface EventSourceReader {
  /** Stable identity under which positions are stored (`source_positions.source`). */
  readonly name: string;
  /**
   * Reads records in order, in chunks (fewer promise hops per record), from
   * the given positions (missing partition = from the beginning). The
   * iteration ends at the end of a finite source; breaking out stops reading.
   */
  read(resumeAt: ReadonlyMap<string, bigint>): AsyncIterable<SourceRecord[]>;
  /** How far the reader is behind the end of the source (bytes or messages), when known. */
  lag(): number | undefined;
  /** Bytes of an incomplete last record left for the next read (a file still being written), when the source has such. */
  readonly unfinishedTail?: number;
}
