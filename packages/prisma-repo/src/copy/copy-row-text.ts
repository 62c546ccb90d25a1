/**
 * Cheap pieces of COPY text-format lines for the batch encoders: one pass over
 * the rows, no arrays or objects per row. Flush batches repeat the same
 * strings and Date objects row after row (a user's rows are adjacent once
 * sorted, one event's rows share its Date), so the last value of each field is
 * remembered with its encoding and compared first.
 */
export class CopyRowText {
  #user: string | undefined;
  #userText = '';
  #challenge: string | undefined;
  #challengeText = '';
  #namespace: string | undefined;
  #namespaceText = '';
  #date: Date | undefined;
  #dateText = '';

  /** `user \t goal \t challenge \t namespace` */
  goalKey(row: { userId: string; goalId: string; challengeId: string; namespace: string }): string {
    if (row.userId !== this.#user) {
      this.#user = row.userId;
      this.#userText = copyText(row.userId);
    }
    if (row.challengeId !== this.#challenge) {
      this.#challenge = row.challengeId;
      this.#challengeText = copyText(row.challengeId);
    }
    if (row.namespace !== this.#namespace) {
      this.#namespace = row.namespace;
      this.#namespaceText = copyText(row.namespace);
    }
    return `${this.#userText}\t${copyText(row.goalId)}\t${this.#challengeText}\t${this.#namespaceText}`;
  }

  /** Epoch milliseconds (see sql/epoch-ms.ts); `\N` for null/undefined. */
  epochMs(date: Date | null | undefined): string {
    if (date === null || date === undefined) return NULL;
    if (date !== this.#date) {
      this.#date = date;
      this.#dateText = String(date.getTime());
    }
    return this.#dateText;
  }
}

export const NULL = '\\N';

/** Rows are packed into buffers of about this many UTF-16 units (≈ 64 KiB for ASCII ids). */
export const COPY_CHUNK_CHARS = 64 * 1024;

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Backslash, newline, carriage return and tab are the only characters text format treats specially; \N is NULL. */
export function copyText(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c] ?? c) : value;
}
