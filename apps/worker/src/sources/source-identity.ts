import type { SourceLedger, SourcePosition } from '@goals/domain';
import { SourceMismatchError, SourceRefusedError } from './source-refused-error.js';

export interface SourceIdentityCheck {
  sourceName: string;
  /** The positions stored under this source name. */
  stored: readonly SourcePosition[];
  /** The input's content fingerprint now (undefined: the source has none, or not yet). */
  fingerprint: string | undefined;
  repository: Pick<SourceLedger, 'findSourcesByFingerprint'>;
  /** The operator said counting this content again under a new name is deliberate. */
  newReplay: boolean;
}

/**
 * The one rule for "is this input the one its name stands for", checked
 * before reading (the checkpoint check during the resume covers the bytes
 * before the stored position):
 * - a source with stored positions resumes only when its content begins as
 *   it did (a replaced file is refused here, with a clearer message than the
 *   checkpoint mismatch would give);
 * - a source without stored positions whose content was already consumed
 *   under another name (a symlink, a copy under archive/) is refused unless
 *   the operator passes --new-replay: every event would count twice.
 */
export async function checkSourceIdentity(check: SourceIdentityCheck): Promise<void> {
  const { sourceName, stored, fingerprint } = check;
  if (fingerprint === undefined) return;
  const storedFingerprint = stored.find((p) => p.fingerprint !== undefined)?.fingerprint;
  if (storedFingerprint !== undefined && storedFingerprint !== fingerprint) {
    throw new SourceMismatchError(`${sourceName}: the input does not begin as the one consumed under this name did (its content fingerprint differs): was the file replaced? Use another --source-name for another input`);
  }
  if (stored.length > 0 || check.newReplay) return;
  const others = (await check.repository.findSourcesByFingerprint(fingerprint)).filter((p) => p.source !== sourceName);
  const [first] = others;
  if (first === undefined) return;
  throw new SourceRefusedError(
    'SOURCE_ALREADY_CONSUMED',
    `${sourceName}: the same content was already consumed as source ${JSON.stringify(first.source)} (stored position ${first.position}); ` +
      `a symlink or a copy would count every event again. Resume it under that name (--source-name ${JSON.stringify(first.source)}), ` +
      'or pass --new-replay (GOALS_NEW_REPLAY=1) if counting it again is deliberate',
  );
}
