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
  /** The record's bytes are not valid UTF-8 (`payload` is a lossy decoding): it must be dead-lettered. */
  invalidUtf8?: boolean;
  /**
   * The source's identity of this record, stored with `position` and handed
   * back to `read` on resume, so the source can check it resumes its own input.
   */
  checkpoint?: string;
  /** Length in bytes and lowercase hex SHA-256 of the record's whole content as received (dead letters keep them). */
  contentBytes?: number;
  contentSha256?: string;
}

export interface EventSourceReader {
  /** Stable identity under which positions are stored (`source_positions.source`). */
  readonly name: string;
  /**
   * Reads records in order, in chunks (fewer promise hops per record), from
   * the given positions (missing partition = from the beginning). The
   * iteration ends at the end of a finite source; breaking out stops reading.
   * `checkpoints` are the stored checkpoints of those positions (see
   * SourceRecord.checkpoint); a source that cannot match them refuses.
   */
  read(resumeAt: ReadonlyMap<string, bigint>, checkpoints?: ReadonlyMap<string, string>): AsyncIterable<SourceRecord[]>;
  /** How far the reader is behind the end of the source (bytes or messages), when known. */
  lag(): number | undefined;
  /** Bytes of an incomplete last record left for the next read (a file still being written), when the source has such. */
  readonly unfinishedTail?: number;
  /**
   * A fingerprint of the source's content, when it has one (a file: its
   * beginning): the same content under another name is then recognised.
   */
  fingerprint?(): string | undefined;
}
