/**
 * The validator's durable state in SQLite (`node:sqlite`, built into Node 22: no native addon to
 * compile): the per-uid score averages, the round and challenge counters, the secret the
 * challenges are drawn from, and the queue of weight vectors not yet delivered everywhere.
 * Every round commits in one transaction (WAL mode), so a crash — even SIGKILL — loses at most the
 * round in flight, never a committed score or a pending weight vector.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface ScoreRow {
  uid: number;
  hotkey: string;
  ema: number;
  samples: number;
  lastScore: number;
  lastRound: number;
  lastReason: string | null;
}

export type WeightStatus = 'pending' | 'done';

export interface WeightRow {
  id: number;
  round: number;
  createdMs: number;
  uids: number[];
  weights: number[];
  /** Sinks (e.g. 'gossip', 'chain') still to deliver to. */
  remaining: string[];
  attempts: number;
  nextAttemptMs: number;
  lastError: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS scores (
  uid INTEGER PRIMARY KEY, hotkey TEXT NOT NULL, ema REAL NOT NULL, samples INTEGER NOT NULL,
  last_score REAL NOT NULL, last_round INTEGER NOT NULL, last_reason TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS weights (
  id INTEGER PRIMARY KEY AUTOINCREMENT, round INTEGER NOT NULL, created_ms INTEGER NOT NULL,
  uids TEXT NOT NULL, weights TEXT NOT NULL, remaining TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0, last_error TEXT
) STRICT;
`;

/** One round's score for one uid. */
export interface RoundScore {
  uid: number;
  hotkey: string;
  score: number;
  reason: string | null;
}

export class ValidatorStore {
  private readonly db: DatabaseSync;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private meta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** The validator's challenge secret (hex), created once with `make` and kept across restarts. */
  secret(make: () => string): string {
    const existing = this.meta('secret');
    if (existing !== undefined) return existing;
    const value = make();
    this.setMeta('secret', value);
    return value;
  }

  /** A JSON value kept across restarts (e.g. the off-chain epoch's bonds). */
  loadJson<T>(key: string): T | undefined {
    const text = this.meta(`json:${key}`);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  saveJson(key: string, value: unknown): void {
    this.setMeta(`json:${key}`, JSON.stringify(value));
  }

  /** The last completed round (0 before the first). */
  get round(): number {
    return Number(this.meta('round') ?? 0);
  }

  /** Reserves `count` challenge ids (never reused, even after a crash) and returns the first. */
  reserveChallengeIds(count: number): number {
    const first = Number(this.meta('next_challenge_id') ?? 1);
    this.setMeta('next_challenge_id', String(first + count));
    return first;
  }

  /** Every uid's score row. */
  scores(): ScoreRow[] {
    return (this.db.prepare('SELECT * FROM scores ORDER BY uid').all() as Array<Record<string, unknown>>).map((r) => ({
      uid: Number(r.uid),
      hotkey: String(r.hotkey),
      ema: Number(r.ema),
      samples: Number(r.samples),
      lastScore: Number(r.last_score),
      lastRound: Number(r.last_round),
      lastReason: r.last_reason === null ? null : String(r.last_reason),
    }));
  }

  /**
   * Commits one round: each uid's moving average becomes `update(previous, score)` (a uid whose
   * hotkey changed — deregistered and taken by someone else — starts again from nothing), and the
   * round counter advances. All or nothing.
   */
  commitRound(round: number, results: RoundScore[], update: (previous: number | undefined, score: number) => number): void {
    const get = this.db.prepare('SELECT hotkey, ema, samples FROM scores WHERE uid = ?');
    const put = this.db.prepare(
      `INSERT INTO scores (uid, hotkey, ema, samples, last_score, last_round, last_reason) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(uid) DO UPDATE SET hotkey = excluded.hotkey, ema = excluded.ema, samples = excluded.samples,
         last_score = excluded.last_score, last_round = excluded.last_round, last_reason = excluded.last_reason`,
    );
    this.transaction(() => {
      for (const r of results) {
        const prev = get.get(r.uid) as { hotkey: string; ema: number; samples: number } | undefined;
        const same = prev !== undefined && prev.hotkey === r.hotkey;
        const ema = update(same ? prev.ema : undefined, r.score);
        put.run(r.uid, r.hotkey, ema, (same ? prev.samples : 0) + 1, r.score, round, r.reason);
      }
      this.setMeta('round', String(round));
    });
  }

  /** Queues a weight vector for delivery to `sinks`. Returns its id. */
  queueWeights(round: number, uids: number[], weights: number[], sinks: string[], now = Date.now()): number {
    const res = this.db
      .prepare('INSERT INTO weights (round, created_ms, uids, weights, remaining) VALUES (?, ?, ?, ?, ?)')
      .run(round, now, JSON.stringify(uids), JSON.stringify(weights), JSON.stringify(sinks));
    return Number(res.lastInsertRowid);
  }

  /** Weight vectors with sinks left, oldest first. */
  pendingWeights(): WeightRow[] {
    return (this.db.prepare("SELECT * FROM weights WHERE remaining <> '[]' ORDER BY id").all() as Array<Record<string, unknown>>).map(toWeightRow);
  }

  /** The newest weight vector (delivered or not). */
  latestWeights(): WeightRow | undefined {
    const row = this.db.prepare('SELECT * FROM weights ORDER BY id DESC LIMIT 1').get() as Record<string, unknown> | undefined;
    return row ? toWeightRow(row) : undefined;
  }

  /** Records one delivery attempt: sinks that succeeded leave `remaining`; a failure schedules a retry. */
  recordDelivery(id: number, delivered: string[], failure: { error: string; retryAtMs: number } | null): void {
    const row = this.db.prepare('SELECT remaining, attempts FROM weights WHERE id = ?').get(id) as { remaining: string; attempts: number } | undefined;
    if (!row) return;
    const remaining = (JSON.parse(row.remaining) as string[]).filter((s) => !delivered.includes(s));
    this.db
      .prepare('UPDATE weights SET remaining = ?, attempts = ?, next_attempt_ms = ?, last_error = ? WHERE id = ?')
      .run(JSON.stringify(remaining), row.attempts + 1, failure?.retryAtMs ?? 0, failure?.error ?? null, id);
  }

  /** Drops a sink from every queued vector but the newest (an older vector is superseded for it). */
  supersede(sink: string, newestId: number): void {
    for (const row of this.pendingWeights()) {
      if (row.id !== newestId && row.remaining.includes(sink)) this.recordDelivery(row.id, [sink], null);
    }
  }

  private transaction(fn: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

function toWeightRow(r: Record<string, unknown>): WeightRow {
  return {
    id: Number(r.id),
    round: Number(r.round),
    createdMs: Number(r.created_ms),
    uids: JSON.parse(String(r.uids)) as number[],
    weights: JSON.parse(String(r.weights)) as number[],
    remaining: JSON.parse(String(r.remaining)) as string[],
    attempts: Number(r.attempts),
    nextAttemptMs: Number(r.next_attempt_ms),
    lastError: r.last_error === null ? null : String(r.last_error),
  };
}
