/**
 * Thrown by a RewardGranter for a failure that may succeed on a later attempt
 * (timeout, throttling, a 5xx). The claim flow retries only these; every other
 * error ends the claim at once, because repeating a refused grant cannot help.
 */
export class RetryableGrantError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
