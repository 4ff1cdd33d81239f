/**
 * Compares an epoch result computed by webtensor (`webtensor yuma` output) with what the chain
 * stored after the same epoch. Per-uid floats are quantised as the chain does (`floor(x · 65535)`);
 * bonds are u16 on both sides. The validator uses this to check the chain; the CI test uses it to
 * check webtensor against the real runtime.
 */
import { toU16 } from './snapshot.ts';
import type { Metagraph, YumaResultJson } from './types.ts';

export type ComparedField = 'incentive' | 'dividends' | 'consensus' | 'validatorTrust' | 'validatorPermit' | 'bonds';

export interface EpochMismatch {
  uid: number;
  field: ComparedField;
  /** For bonds: the column (the bonded uid). */
  column?: number;
  /** u16 (or 0/1 for permits). */
  chain: number;
  ours: number;
}

export interface CompareOptions {
  /** Allowed |chain − ours| in u16 units. Default 1. */
  tolerance?: number;
  fields?: ComparedField[];
}

export const DEFAULT_COMPARED_FIELDS: ComparedField[] = ['incentive', 'dividends', 'consensus', 'validatorTrust', 'validatorPermit', 'bonds'];

/** Every difference beyond the tolerance; empty when webtensor agrees with the chain. */
export function compareEpoch(chainAfter: Metagraph, ours: YumaResultJson, options: CompareOptions = {}): EpochMismatch[] {
  const tolerance = options.tolerance ?? 1;
  const fields = new Set(options.fields ?? DEFAULT_COMPARED_FIELDS);
  const mismatches: EpochMismatch[] = [];
  const n = chainAfter.n;
  for (const field of ['incentive', 'dividends', 'consensus', 'validatorTrust'] as const) {
    if (!fields.has(field)) continue;
    const values = ours[field];
    for (let uid = 0; uid < n; uid++) {
      const chain = chainAfter.neurons[uid][field];
      const mine = values?.[uid] === undefined ? Number.NaN : toU16(values[uid]);
      if (!(Math.abs(chain - mine) <= tolerance)) mismatches.push({ uid, field, chain, ours: mine });
    }
  }
  if (fields.has('validatorPermit')) {
    for (let uid = 0; uid < n; uid++) {
      const chain = chainAfter.neurons[uid].validatorPermit ? 1 : 0;
      const mine = ours.validatorPermit?.[uid] === undefined ? Number.NaN : ours.validatorPermit[uid] ? 1 : 0;
      if (chain !== mine) mismatches.push({ uid, field: 'validatorPermit', chain, ours: mine });
    }
  }
  if (fields.has('bonds')) {
    for (let uid = 0; uid < n; uid++) {
      const chainRow = new Map(chainAfter.neurons[uid].bonds);
      const ourRow = new Map((ours.bonds?.[String(uid)] ?? []).map(([j, b]) => [Number(j), Number(b)]));
      const columns = [...new Set([...chainRow.keys(), ...ourRow.keys()])].sort((a, b) => a - b);
      for (const column of columns) {
        const chain = chainRow.get(column) ?? 0;
        const mine = ourRow.get(column) ?? 0;
        if (!(Math.abs(chain - mine) <= tolerance)) mismatches.push({ uid, field: 'bonds', column, chain, ours: mine });
      }
    }
  }
  return mismatches;
}

/** One line per mismatch: `uid 3 dividends: chain 12000 ours 11990 (Δ -10)`. */
export function formatMismatches(mismatches: EpochMismatch[]): string {
  return mismatches
    .map((m) => {
      const field = m.field === 'bonds' ? `bonds[${m.uid}][${m.column}]` : m.field;
      return `uid ${m.uid} ${field}: chain ${m.chain} ours ${m.ours} (Δ ${m.ours - m.chain})`;
    })
    .join('\n');
}
