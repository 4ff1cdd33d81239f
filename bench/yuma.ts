/**
 * Yuma Consensus epoch time: one epoch over a random metagraph, both variants side by side.
 * Target (issue: foundation): n = 4096 with 256 validators under 20 ms on a 2-core machine.
 */
import { runEpoch } from '../src/consensus/index.ts';
import { randomSnapshot } from '../src/consensus/fixtures.ts';
import { formatTable, median, quantile, timeSync } from './table.ts';

const cases = [
  { n: 256, validators: 64 },
  { n: 1024, validators: 128 },
  { n: 4096, validators: 256 },
];

export function benchYuma(): string {
  const rows: (string | number)[][] = [];
  for (const { n, validators } of cases) {
    const timings: Record<string, number[]> = {};
    for (const variant of ['yuma2', 'yuma3'] as const) {
      const snapshot = randomSnapshot({ n, validators, seed: 42, variant });
      timings[variant] = timeSync(() => runEpoch(snapshot), { warmup: 3, runs: 30, budgetMs: 8_000 });
    }
    const m2 = median(timings.yuma2);
    const m3 = median(timings.yuma3);
    rows.push([n, validators, m2, quantile(timings.yuma2, 0.9), m3, quantile(timings.yuma3, 0.9), m3 / m2, `${(20 / m3).toFixed(1)}×`]);
  }
  return [
    '## Yuma Consensus: one epoch (ms; median and p90 of repeated runs)',
    formatTable(['n', 'validators', 'yuma2 p50', 'yuma2 p90', 'yuma3 p50', 'yuma3 p90', 'yuma3/yuma2', 'headroom vs 20 ms'], rows),
  ].join('\n');
}
