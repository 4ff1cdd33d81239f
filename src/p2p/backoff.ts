/**
 * Exponential backoff with full jitter, for redialling a relay that went away.
 * Pure: no timers of its own; the caller sleeps `next()` ms.
 */
export interface BackoffOptions {
  /** First delay (ms). */
  initialMs: number;
  /** Cap on any one delay (ms). */
  maxMs: number;
  /** Growth per failed attempt. */
  factor: number;
  /** Random source in [0, 1) for the jitter (default Math.random). */
  random?: () => number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { initialMs: 250, maxMs: 5_000, factor: 2 };

export class Backoff {
  private attempt = 0;
  private readonly options: BackoffOptions;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.options = { ...DEFAULT_BACKOFF, ...options };
    const { initialMs, maxMs, factor } = this.options;
    if (!(initialMs > 0) || !(maxMs >= initialMs) || !(factor >= 1)) {
      throw new RangeError('backoff needs 0 < initialMs <= maxMs and factor >= 1');
    }
  }

  /** Failed attempts since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt: uniform in [ceiling/2, ceiling], ceiling growing per attempt. */
  next(): number {
    const { initialMs, maxMs, factor, random = Math.random } = this.options;
    const ceiling = Math.min(maxMs, initialMs * factor ** this.attempt);
    this.attempt++;
    return Math.round(ceiling / 2 + (ceiling / 2) * random());
  }

  reset(): void {
    this.attempt = 0;
  }
}
