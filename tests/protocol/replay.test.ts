// Imports the guard alone (not the crypto) so this file loads fast.
import { describe, expect, it } from 'vitest';
import { ReplayGuard } from '../../src/protocol/replay.ts';

const NOW = 1_750_000_000_000;

const key = (i: number) => {
  const n = new Uint8Array(16);
  new DataView(n.buffer).setUint32(0, i);
  return n;
};

describe('ReplayGuard', () => {
  it('admits a pair once, per sender', () => {
    const g = new ReplayGuard({ windowMs: 1000 });
    expect(g.admit('alice', key(1), NOW, NOW)).toBe('ok');
    expect(g.admit('alice', key(1), NOW, NOW + 1)).toBe('replayed');
    expect(g.admit('bob', key(1), NOW, NOW + 1)).toBe('ok');
    expect(g.admit(new Uint8Array([1, 2]), key(1), NOW, NOW + 1)).toBe('ok');
    expect(g.admit(new Uint8Array([1, 2]), key(1), NOW, NOW + 1)).toBe('replayed');
    expect(g.size).toBe(3);
  });

  it('forgets entries once they leave the window, and refuses anything that old', () => {
    const g = new ReplayGuard({ windowMs: 1000 });
    expect(g.admit('a', key(1), NOW, NOW)).toBe('ok');
    expect(g.admit('a', key(2), NOW + 500, NOW + 500)).toBe('ok');
    expect(g.admit('a', key(3), NOW + 800, NOW + 1000)).toBe('ok');
    expect(g.size).toBe(2); // key(1) at NOW is at the floor (NOW + 1000 - 1000) and gone
    expect(g.admit('a', key(1), NOW, NOW + 1000)).toBe('stale');
    // The floor never goes back: a receiver clock that jumps backwards cannot resurrect key(1).
    expect(g.admit('a', key(1), NOW, NOW)).toBe('stale');
    expect(g.horizon).toBe(NOW);
  });

  it('keeps memory bounded and fails closed under a flood (never admits the same message twice)', () => {
    const g = new ReplayGuard({ windowMs: 60_000, maxEntries: 100 });
    let rng = 12345;
    const rand = (n: number) => {
      rng = (rng * 1103515245 + 12345) & 0x7fffffff;
      return rng % n;
    };
    // A signed message is (sender, nonce, timestamp): the same nonce at another timestamp would be
    // another signature. Each pair here has a few possible timestamps, spread over the window and
    // beyond, so the stream repeats messages a lot, out of order, while the clock moves on.
    const admitted = new Set<string>();
    const verdicts = { ok: 0, replayed: 0, stale: 0 };
    let now = NOW;
    for (let i = 0; i < 20_000; i++) {
      now += rand(12);
      const sender = `s${rand(5)}`;
      const n = rand(400);
      const ts = NOW + 150 * n + 20_000 * rand(4);
      const verdict = g.admit(sender, key(n), ts, now);
      verdicts[verdict]++;
      const id = `${sender}/${n}/${ts}`;
      if (verdict === 'ok') {
        expect(admitted.has(id), `message ${id} admitted twice`).toBe(false);
        admitted.add(id);
      }
      expect(g.size).toBeLessThanOrEqual(100);
    }
    expect(verdicts.ok).toBeGreaterThan(100);
    expect(verdicts.replayed).toBeGreaterThan(100);
    expect(verdicts.stale).toBeGreaterThan(100);
  });

  it('evicts the oldest timestamp first and refuses messages below what it evicted', () => {
    const g = new ReplayGuard({ windowMs: 60_000, maxEntries: 2 });
    expect(g.admit('a', key(1), NOW + 30, NOW)).toBe('ok');
    expect(g.admit('a', key(2), NOW + 10, NOW)).toBe('ok');
    expect(g.admit('a', key(3), NOW + 20, NOW)).toBe('ok'); // evicts key(2) (NOW + 10)
    expect(g.size).toBe(2);
    expect(g.admit('a', key(2), NOW + 10, NOW)).toBe('stale');
    expect(g.admit('a', key(4), NOW + 5, NOW)).toBe('stale');
    expect(g.admit('a', key(1), NOW + 30, NOW)).toBe('replayed');
    // A newcomer older than everything held is itself the one evicted.
    expect(g.admit('a', key(5), NOW + 11, NOW)).toBe('stale');
  });

  it('rejects bad options', () => {
    expect(() => new ReplayGuard({ windowMs: 0 })).toThrow();
    expect(() => new ReplayGuard({ windowMs: 10, maxEntries: 0 })).toThrow();
  });
});
