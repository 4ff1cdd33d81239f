/**
 * Replay protection with bounded memory. Remembers every (sender, nonce) it admitted whose
 * timestamp is still inside the window, and refuses the same pair again (`replayed`).
 *
 * It keeps a monotonic "floor": it never forgets an entry whose timestamp is above the floor, and
 * refuses every message at or below it (`stale`). The floor rises with time (now - windowMs) and,
 * when more than `maxEntries` live entries would be held, to the timestamp of the oldest entry it
 * evicts. So the guard fails closed: a flood shrinks the effective freshness window instead of
 * letting an old message through twice. Entries are evicted oldest-timestamp first (binary heap).
 * Pure: no DOM, no Node APIs.
 */

export type ReplayVerdict = 'ok' | 'replayed' | 'stale';

export interface ReplayGuardOptions {
  /** How long to remember a nonce, from its message's timestamp; use at least decode's `maxAgeMs`. */
  windowMs: number;
  /** Most entries held at once (default 100 000, a few tens of MB at most). */
  maxEntries?: number;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]];
  return out;
}

interface Entry {
  ts: number;
  key: string;
}

export class ReplayGuard {
  readonly windowMs: number;
  readonly maxEntries: number;
  private readonly seen = new Set<string>();
  private readonly heap: Entry[] = [];
  private floor = -Infinity;

  constructor(options: ReplayGuardOptions) {
    if (!(options.windowMs > 0)) throw new Error('ReplayGuard: windowMs must be > 0');
    const maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error('ReplayGuard: maxEntries must be a positive integer');
    this.windowMs = options.windowMs;
    this.maxEntries = maxEntries;
  }

  /** Live entries held. */
  get size(): number {
    return this.seen.size;
  }

  /** Timestamps at or below this are refused as stale. */
  get horizon(): number {
    return this.floor;
  }

  /**
   * Admits (and remembers) the pair, or says why not. Call only for messages whose signature has
   * been verified, or forged nonces would fill the guard.
   */
  admit(sender: Uint8Array | string, nonce: Uint8Array, timestampMs: number, now: number): ReplayVerdict {
    this.raiseFloor(now - this.windowMs);
    if (!(timestampMs > this.floor)) return 'stale';
    const key = `${typeof sender === 'string' ? sender : hex(sender)}/${hex(nonce)}`;
    if (this.seen.has(key)) return 'replayed';
    this.seen.add(key);
    this.push({ ts: timestampMs, key });
    while (this.seen.size > this.maxEntries) this.raiseFloor(this.heap[0].ts);
    // An eviction may have raised the floor to this very message's timestamp: then it is refused.
    if (!(timestampMs > this.floor)) return 'stale';
    return 'ok';
  }

  /** Sets floor = max(floor, to) and drops every entry at or below it. */
  private raiseFloor(to: number): void {
    if (to > this.floor) this.floor = to;
    while (this.heap.length > 0 && this.heap[0].ts <= this.floor) this.seen.delete(this.pop().key);
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].ts <= h[i].ts) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].ts < h[m].ts) m = l;
        if (r < h.length && h[r].ts < h[m].ts) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}
