/** `webtensor metagraph`: a subnet's metagraph as btcli's `subnets metagraph` shows it (or JSON). */
import type { Command } from '../cli.ts';
import type { SubtensorClient } from '../../src/chain/client.ts';
import type { Metagraph } from '../../src/chain/types.ts';
import { parseOptions } from './options.ts';
import {
  chainOptionSpec,
  chainOptionUsage,
  exitUsage,
  formatTao,
  raoToTaoNumber,
  required,
  requireSubnet,
  runChainCommand,
  shortAddress,
  withChain,
} from './chain-common.ts';

const U16_MAX = 65535;

export interface MetagraphNeuronView {
  uid: number;
  hotkey: string;
  coldkey: string;
  /** TAO (float); `stakeRao` is exact. */
  stake: number;
  stakeRao: string;
  /** u16 / 65535; null where this runtime no longer stores the value (Rank, Trust on newer runtimes). */
  rank: number | null;
  trust: number | null;
  consensus: number;
  incentive: number;
  dividends: number;
  /** Rao emitted to this uid by the last epoch. */
  emissionRao: string;
  validatorTrust: number;
  validatorPermit: boolean;
  lastUpdate: number;
  /** `block − lastUpdate`. */
  updatedBlocksAgo: number;
  active: boolean;
  blockAtRegistration: number;
}

export interface MetagraphView {
  netuid: number;
  block: number;
  blockHash: string;
  n: number;
  maxN: number | null;
  tempo: number;
  lastEpochBlock: number;
  totals: {
    stake: number;
    stakeRao: string;
    emissionRao: string;
    validatorPermits: number;
    active: number;
  };
  neurons: MetagraphNeuronView[];
}

/** The JSON of `metagraph --json`. `hasRank` / `hasTrust`: whether the runtime stores those vectors. */
export function metagraphView(m: Metagraph, present: { rank: boolean; trust: boolean } = { rank: true, trust: true }): MetagraphView {
  const f = (x: number) => x / U16_MAX;
  const totalStake = m.neurons.reduce((s, x) => s + x.stake, 0n);
  const totalEmission = m.neurons.reduce((s, x) => s + x.emission, 0n);
  return {
    netuid: m.netuid,
    block: m.block,
    blockHash: m.blockHash,
    n: m.n,
    maxN: m.hyperparameters.maxAllowedUids ?? null,
    tempo: m.hyperparameters.tempo,
    lastEpochBlock: m.lastEpochBlock,
    totals: {
      stake: raoToTaoNumber(totalStake),
      stakeRao: totalStake.toString(),
      emissionRao: totalEmission.toString(),
      validatorPermits: m.neurons.filter((x) => x.validatorPermit).length,
      active: m.neurons.filter((x) => x.active).length,
    },
    neurons: m.neurons.map((x) => ({
      uid: x.uid,
      hotkey: x.hotkey,
      coldkey: x.coldkey,
      stake: raoToTaoNumber(x.stake),
      stakeRao: x.stake.toString(),
      rank: present.rank ? f(x.rank) : null,
      trust: present.trust ? f(x.trust) : null,
      consensus: f(x.consensus),
      incentive: f(x.incentive),
      dividends: f(x.dividends),
      emissionRao: x.emission.toString(),
      validatorTrust: f(x.validatorTrust),
      validatorPermit: x.validatorPermit,
      lastUpdate: x.lastUpdate,
      updatedBlocksAgo: Math.max(0, m.block - x.lastUpdate),
      active: x.active,
      blockAtRegistration: x.blockAtRegistration,
    })),
  };
}

/** The table btcli's `subnets metagraph` prints, with a header line and a totals row. */
export function formatMetagraph(view: MetagraphView): string {
  const u = (x: number | null) => (x === null ? '-' : x.toFixed(5));
  const sum = (pick: (n: MetagraphNeuronView) => number | null) =>
    view.neurons.some((n) => pick(n) === null) ? null : view.neurons.reduce((s, n) => s + (pick(n) ?? 0), 0);
  const columns: Array<{ title: string; left?: boolean; cell: (n: MetagraphNeuronView) => string; total: string }> = [
    { title: 'UID', cell: (n) => String(n.uid), total: '' },
    { title: 'HOTKEY', left: true, cell: (n) => shortAddress(n.hotkey), total: '' },
    { title: 'COLDKEY', left: true, cell: (n) => shortAddress(n.coldkey), total: '' },
    { title: 'STAKE(τ)', cell: (n) => formatTao(BigInt(n.stakeRao), 5), total: formatTao(BigInt(view.totals.stakeRao), 5) },
    { title: 'RANK', cell: (n) => u(n.rank), total: u(sum((n) => n.rank)) },
    { title: 'TRUST', cell: (n) => u(n.trust), total: u(sum((n) => n.trust)) },
    { title: 'CONSENSUS', cell: (n) => u(n.consensus), total: u(sum((n) => n.consensus)) },
    { title: 'INCENTIVE', cell: (n) => u(n.incentive), total: u(sum((n) => n.incentive)) },
    { title: 'DIVIDENDS', cell: (n) => u(n.dividends), total: u(sum((n) => n.dividends)) },
    { title: 'EMISSION(ρ)', cell: (n) => n.emissionRao, total: view.totals.emissionRao },
    { title: 'VTRUST', cell: (n) => u(n.validatorTrust), total: u(sum((n) => n.validatorTrust)) },
    { title: 'VPERMIT', cell: (n) => (n.validatorPermit ? '*' : ''), total: String(view.totals.validatorPermits) },
    { title: 'UPDATED', cell: (n) => String(n.updatedBlocksAgo), total: '' },
    { title: 'ACTIVE', cell: (n) => (n.active ? '1' : '0'), total: String(view.totals.active) },
  ];
  const rows = [columns.map((c) => c.title), ...view.neurons.map((n) => columns.map((c) => c.cell(n))), columns.map((c) => c.total)];
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (columns[i].left ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const header =
    `Metagraph: netuid ${view.netuid}, block ${view.block}, n ${view.n}${view.maxN !== null ? `/${view.maxN}` : ''}, ` +
    `tempo ${view.tempo}, last epoch block ${view.lastEpochBlock || 'none'}, ` +
    `stake τ${formatTao(BigInt(view.totals.stakeRao), 5)}, emission ρ${view.totals.emissionRao}, ` +
    `validator permits ${view.totals.validatorPermits}`;
  const out = [header, '', line(rows[0]), rule, ...rows.slice(1, -1).map(line)];
  if (view.neurons.length > 0) out.push(rule, line(rows[rows.length - 1]));
  out.push('', 'UPDATED: blocks since the last weights (or registration); EMISSION: rao from the last epoch.');
  return out.join('\n');
}

const metagraphOptions = { ...chainOptionSpec, netuid: { kind: 'int' }, json: { kind: 'flag' } } as const;

export const metagraphCommand: Command = {
  summary: "show a subnet's metagraph (stake, rank, trust, consensus, incentive, ...), or --json",
  usage: [
    'usage: webtensor metagraph --netuid N [--chain URL] [--json] [--connect-timeout S]',
    '',
    '  --netuid N             the subnet',
    '  --json                 print the metagraph as JSON (full addresses, exact rao as strings)',
    ...chainOptionUsage,
    '',
    'Columns as btcli `subnets metagraph`: UID, hotkey and coldkey (shortened), STAKE (TAO), RANK,',
    'TRUST, CONSENSUS, INCENTIVE, DIVIDENDS (u16 / 65535), EMISSION (rao, last epoch), VTRUST, VPERMIT,',
    'UPDATED (blocks since the last weights), ACTIVE. "-" marks a value the runtime no longer stores.',
    exitUsage,
  ].join('\n'),
  run: (args) =>
    runChainCommand('metagraph', async () => {
      const options = parseOptions(args, metagraphOptions);
      const netuid = required(options.netuid, '--netuid');
      return withChain(options, async (client) => {
        await requireSubnet(client, netuid);
        const metagraph = await client.metagraph(netuid);
        const query = (client.api.query as unknown as Record<string, Record<string, unknown> | undefined>).subtensorModule ?? {};
        const view = metagraphView(metagraph, { rank: Boolean(query.rank), trust: Boolean(query.trust) });
        process.stdout.write(`${options.json ? JSON.stringify(view, null, 2) : formatMetagraph(view)}\n`);
        return 0;
      });
    }),
};
