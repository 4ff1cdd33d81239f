/**
 * The chain commands of the `webtensor` CLI (`metagraph`, `register`, `stake`, `weights`) as real
 * processes (`node bin/webtensor.mjs …`) against the real subtensor runtime (chopsticks, spec 185,
 * `Instant` block building: each extrinsic gets its own block, as on a live chain).
 *
 * One chain for the whole file: a subnet with a staked validator (uid 0) and a miner (uid 1) is
 * bootstrapped; the CLI registers a second miner, stakes to it (by SS58 address, coldkey from
 * WEBTENSOR_COLDKEY), shows the metagraph (table and JSON), sets weights (read back with the
 * client), and fails a second `weights` with `SubtensorModule.SettingWeightsTooFast` by name once a
 * weights rate limit is set. Unknown netuids, dead endpoints and bad arguments each give one line
 * on stderr and a non-zero exit. The spec is required: a missing spec fails this suite.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SubtensorClient } from '../../src/chain/client.ts';
import { keypair, keysReady } from '../../src/chain/keys.ts';
import {
  DEFAULT_CHAIN_SPEC,
  REPO_ROOT,
  TAO,
  bootstrapSubnet,
  connectLocalClient,
  freePort,
  startLocalChain,
  type BootstrapResult,
  type LocalChain,
} from '../../relay/chain/index.ts';
import { formatTao, isSecretUri, parseTao, shortAddress } from '../../relay/commands/chain-common.ts';
import { metagraphCommand, type MetagraphView } from '../../relay/commands/metagraph.ts';
import { registerCommand } from '../../relay/commands/register.ts';
import { stakeCommand } from '../../relay/commands/stake.ts';
import { floatWeightsToU16, parseUids, parseWeights, weightsCommand } from '../../relay/commands/weights.ts';
import { runCli, type CliResult } from '../support/webtensor-process.ts';

const SPEC = resolve(REPO_ROOT, process.env.WEBTENSOR_CHAIN_SPEC ?? DEFAULT_CHAIN_SPEC);
const TEMPO = 3;

/** Runs `node bin/webtensor.mjs <args>` from the repository root, with none of the WEBTENSOR_* variables of this process. */
function cli(args: string[], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<CliResult> {
  return runCli(args, { env, timeoutMs });
}

/** The failure contract: exit code, and exactly one line on stderr. */
function expectFailure(result: CliResult, code: number, pattern: RegExp): void {
  expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(code);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

function expectSuccess(result: CliResult): void {
  expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
  expect(result.stderr).toBe('');
}

describe('webtensor metagraph / register / stake / weights on the real runtime (chopsticks, spec 185)', () => {
  let chain: LocalChain | undefined;
  let client: SubtensorClient;
  let subnet: BootstrapResult;
  let netuid: number;
  let setupError: unknown;
  const ready = () => {
    if (setupError) throw setupError;
  };
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  const validator0 = () => subnet.neurons[0];
  const miner1 = () => keypair('//Bob//miner1').address;

  beforeAll(async () => {
    try {
      if (!existsSync(SPEC)) throw new Error(`the raw subtensor chain spec is missing: ${SPEC} — this suite needs it (it is never skipped)`);
      chain = await startLocalChain({ specPath: SPEC, buildBlockMode: 'Instant' });
      timings.chopsticksStartMs = chain.startupMs;
      client = await connectLocalClient(chain, { txTimeoutMs: 30_000 });
      const t = Date.now();
      subnet = await bootstrapSubnet(chain, client, {
        neurons: [
          { hotkey: '//Alice//validator0', coldkey: '//Alice', stake: 1000n * TAO },
          { hotkey: '//Bob//miner0', coldkey: '//Bob' },
        ],
        tempo: TEMPO,
      });
      timings.bootstrapMs = Date.now() - t;
      netuid = subnet.netuid;
    } catch (error) {
      setupError = error;
    }
  });

  afterAll(async () => {
    await client?.disconnect().catch(() => undefined);
    await chain?.stop();
    timings.totalMs = Date.now() - t0;
    console.log(`cli test timings: ${JSON.stringify(timings)}`);
    if (chain) {
      let alive = true;
      try {
        process.kill(-chain.pid, 0);
      } catch {
        alive = false;
      }
      expect(alive, `chopsticks process group ${chain.pid} is still alive after stop()`).toBe(false);
    }
  });

  it('register: burned registration of a new hotkey prints its uid', async () => {
    ready();
    const result = await cli(['register', '--chain', chain!.endpoint, '--netuid', String(netuid), '--hotkey', '//Bob//miner1', '--coldkey', '//Bob']);
    timings.registerMs = result.ms;
    expectSuccess(result);
    expect(result.stdout).toMatch(new RegExp(`^registered hotkey ${miner1()} on netuid ${netuid} as uid 2 \\(coldkey ${keypair('//Bob').address}, burn τ\\d+\\.\\d{9}, block \\d+ 0x[0-9a-f]{64}\\)\\n$`));
    expect(await client.uidOf(netuid, miner1())).toBe(2);
  });

  it('stake: to an SS58 hotkey, coldkey from WEBTENSOR_COLDKEY', async () => {
    ready();
    const result = await cli(['stake', '--chain', chain!.endpoint, '--hotkey', miner1(), '--amount', '12.5'], { WEBTENSOR_COLDKEY: '//Bob' });
    timings.stakeMs = result.ms;
    expectSuccess(result);
    expect(result.stdout).toMatch(new RegExp(`^staked τ12\\.500000000 from coldkey ${keypair('//Bob').address} to hotkey ${miner1()} .*; hotkey stake now τ12\\.500000000\\n$`));
    const stake = await client.api.query.subtensorModule.totalHotkeyStake(miner1());
    expect(BigInt(stake.toString())).toBe(12_500_000_000n);
  });

  it('metagraph: the table shows every uid with its keys and stake, under a header with the subnet totals', async () => {
    ready();
    // One epoch, so that permits (and the epoch's columns) are set.
    await chain!.newBlock(TEMPO + 1);
    const head = await client.head();
    const result = await cli(['metagraph', '--chain', chain!.endpoint, '--netuid', String(netuid)]);
    timings.metagraphMs = result.ms;
    expectSuccess(result);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Metagraph: netuid ${netuid}, block ${head.number}, n 3/\\d+, tempo ${TEMPO}, last epoch block \\d+, stake τ1012\\.50000, emission ρ\\d+, validator permits \\d+$`));
    const headerRow = lines.find((l) => l.trimStart().startsWith('UID'))!;
    expect(headerRow.split(/\s{2,}/).map((s) => s.trim()).filter(Boolean)).toEqual([
      'UID', 'HOTKEY', 'COLDKEY', 'STAKE(τ)', 'RANK', 'TRUST', 'CONSENSUS', 'INCENTIVE', 'DIVIDENDS', 'EMISSION(ρ)', 'VTRUST', 'VPERMIT', 'UPDATED', 'ACTIVE',
    ]);
    const row = (uid: number) => lines.find((l) => new RegExp(`^\\s*${uid}\\s`).test(l))!;
    const expected: Array<[number, string, string, string]> = [
      [0, validator0().hotkeyAddress, keypair('//Alice').address, '1000.00000'],
      [1, keypair('//Bob//miner0').address, keypair('//Bob').address, '0.00000'],
      [2, miner1(), keypair('//Bob').address, '12.50000'],
    ];
    for (const [uid, hotkey, coldkey, stake] of expected) {
      const cells = row(uid).trim().split(/\s+/);
      expect(cells.slice(0, 4), row(uid)).toEqual([String(uid), shortAddress(hotkey), shortAddress(coldkey), stake]);
    }
    expect(row(0)).toMatch(/\s\*\s+\d+\s+1$/); // validator permit, updated, active
  });

  it('metagraph --json: the same data with full addresses and exact rao', async () => {
    ready();
    const result = await cli(['metagraph', '--chain', chain!.endpoint, '--netuid', String(netuid), '--json']);
    expectSuccess(result);
    const view = JSON.parse(result.stdout) as MetagraphView;
    expect(view).toMatchObject({ netuid, n: 3, tempo: TEMPO, totals: { stakeRao: '1012500000000', stake: 1012.5 } });
    expect(view.neurons.map((n) => [n.uid, n.hotkey, n.coldkey, n.stakeRao])).toEqual([
      [0, validator0().hotkeyAddress, keypair('//Alice').address, '1000000000000'],
      [1, keypair('//Bob//miner0').address, keypair('//Bob').address, '0'],
      [2, miner1(), keypair('//Bob').address, '12500000000'],
    ]);
    expect(view.neurons[0].validatorPermit).toBe(true);
    expect(view.neurons[2].stake).toBe(12.5);
    for (const n of view.neurons) {
      expect(n.updatedBlocksAgo).toBe(view.block - n.lastUpdate);
      for (const x of [n.rank, n.trust, n.consensus, n.incentive, n.dividends, n.validatorTrust]) expect(x).toBeGreaterThanOrEqual(0);
    }
    // Read independently with the client at the same block.
    const m = await client.metagraph(netuid, view.blockHash);
    expect(view.neurons.map((n) => Math.round(n.dividends * 65535))).toEqual(m.neurons.map((n) => n.dividends));
    expect(view.neurons.map((n) => n.emissionRao)).toEqual(m.neurons.map((n) => n.emission.toString()));
  });

  it('weights: floats are max-upscaled to u16 and land on chain (read back with the client)', async () => {
    ready();
    const result = await cli([
      'weights', '--chain', chain!.endpoint, '--netuid', String(netuid), '--hotkey', '//Alice//validator0', '--uids', '1,2', '--weights', '0.6,0.4',
    ]);
    timings.weightsMs = result.ms;
    expectSuccess(result);
    expect(result.stdout).toMatch(new RegExp(`^set weights of uid 0 \\(hotkey ${validator0().hotkeyAddress}\\) on netuid ${netuid}: uids \\[1, 2\\] u16 \\[65535, 43690\\] \\(version key 0, block (\\d+) 0x`));
    const block = Number(/block (\d+) 0x/.exec(result.stdout)![1]);
    const m = await client.metagraph(netuid);
    expect(m.neurons[0].weights).toEqual([[1, 65535], [2, 43690]]);
    expect(m.neurons[0].lastUpdate).toBe(block);
  });

  it('weights: a second set within the rate limit fails with SubtensorModule.SettingWeightsTooFast', async () => {
    ready();
    await client.sudoBatch(subnet.sudo, [client.adminCall('sudoSetWeightsSetRateLimit', { netuid, weightsSetRateLimit: 1000 })]);
    expect((await client.hyperparameters(netuid)).weightsSetRateLimit).toBe(1000n);
    const result = await cli(
      ['weights', '--chain', chain!.endpoint, '--netuid', String(netuid), '--uids', '1', '--weights', '1'],
      { WEBTENSOR_HOTKEY: '//Alice//validator0' },
    );
    expectFailure(result, 1, /^webtensor weights: SubtensorModule\.SettingWeightsTooFast(: .*)? \(subtensorModule\.setWeights in block 0x[0-9a-f]{64}\)$/);
    expect(result.stdout).toBe('');
    expect((await client.metagraph(netuid)).neurons[0].weights).toEqual([[1, 65535], [2, 43690]]);
  });

  it('an unknown netuid is a clear error', async () => {
    ready();
    const result = await cli(['metagraph', '--chain', chain!.endpoint, '--netuid', '77']);
    expectFailure(result, 1, new RegExp(`^webtensor metagraph: netuid 77 does not exist on this chain \\(subnets: .*\\b${netuid}\\b.*\\)$`));
  });
});

describe('chain commands without a chain', () => {
  beforeAll(keysReady);

  it('a dead endpoint fails at once with a clear error', async () => {
    const port = await freePort();
    const result = await cli(['metagraph', '--chain', `ws://127.0.0.1:${port}`, '--netuid', '1']);
    expectFailure(result, 1, new RegExp(`^webtensor metagraph: cannot connect to ws://127\\.0\\.0\\.1:${port}: connection refused .*\\(ECONNREFUSED\\)$`));
    // Process start included (tsx and @polkadot/api loading take a few seconds on two cores).
    expect(result.ms).toBeLessThan(20_000);
  });

  it('an endpoint that accepts but never answers fails after --connect-timeout', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const result = await cli(['register', '--chain', `ws://127.0.0.1:${port}`, '--connect-timeout', '2', '--netuid', '1', '--hotkey', '//Bob//x', '--coldkey', '//Bob']);
      expectFailure(result, 1, new RegExp(`^webtensor register: cannot connect to ws://127\\.0\\.0\\.1:${port}: no WebSocket handshake within 2 s$`));
      expect(result.ms).toBeLessThan(20_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('bad arguments exit 2 with one line (as a process)', async () => {
    const result = await cli(['weights', '--netuid', '1', '--hotkey', '//Alice', '--uids', '1,2', '--weights', '0.5']);
    expectFailure(result, 2, /^webtensor weights: --uids has 2 entries but --weights has 1$/);
  });

  it('bad arguments exit 2 with one line (each command, in process)', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
    const saved = { hot: process.env.WEBTENSOR_HOTKEY, cold: process.env.WEBTENSOR_COLDKEY };
    delete process.env.WEBTENSOR_HOTKEY;
    delete process.env.WEBTENSOR_COLDKEY;
    try {
      const cases: Array<[typeof metagraphCommand, string[], RegExp]> = [
        [metagraphCommand, [], /^webtensor metagraph: --netuid is required$/],
        [metagraphCommand, ['--netuid', 'x'], /--netuid expects a non-negative integer/],
        [metagraphCommand, ['--netuid', '1', '--chain', 'http://127.0.0.1:9945'], /--chain expects a ws:\/\/ or wss:\/\/ URL/],
        [metagraphCommand, ['--netuid', '1', '--bogus'], /unknown option --bogus/],
        [registerCommand, ['--netuid', '1', '--hotkey', '//Bob//x'], /^webtensor register: --coldkey \(or WEBTENSOR_COLDKEY\) is required$/],
        [registerCommand, ['--netuid', '1', '--hotkey', 'not a key', '--coldkey', '//Bob'], /--hotkey is not a dev URI/],
        [stakeCommand, ['--hotkey', '//Bob', '--coldkey', '//Bob', '--amount', '-1'], /--amount expects an amount of TAO/],
        [stakeCommand, ['--hotkey', '//Bob', '--coldkey', '//Bob', '--amount', '0'], /--amount must be more than 0/],
        [stakeCommand, ['--hotkey', '//Bob', '--coldkey', keypair('//Bob').address, '--amount', '1'], /--coldkey must be a secret .* not an address/],
        [weightsCommand, ['--netuid', '1', '--hotkey', '//A', '--uids', '1,1', '--weights', '1,2'], /--uids lists uid 1 twice/],
        [weightsCommand, ['--netuid', '1', '--hotkey', '//A', '--uids', '1', '--weights', 'NaN'], /--weights expects non-negative numbers/],
        [weightsCommand, ['--netuid', '1', '--hotkey', '//A', '--uids', '1,2', '--weights', '0,0'], /--weights are all zero/],
        [weightsCommand, ['--netuid', '1', '--hotkey', '//A', '--uids', '1', '--weights', '0.5', '--u16'], /--u16 expects integers 0-65535/],
        [weightsCommand, ['--netuid', '1', '--uids', '1', '--weights', '1'], /--hotkey \(or WEBTENSOR_HOTKEY\) is required/],
      ];
      for (const [command, args, pattern] of cases) {
        errors.length = 0;
        expect(await command.run(args), args.join(' ')).toBe(2);
        expect(errors, args.join(' ')).toHaveLength(1);
        expect(errors[0]).toMatch(pattern);
      }
    } finally {
      spy.mockRestore();
      if (saved.hot !== undefined) process.env.WEBTENSOR_HOTKEY = saved.hot;
      if (saved.cold !== undefined) process.env.WEBTENSOR_COLDKEY = saved.cold;
    }
  });

  it('converts weights as bittensor does, parses TAO amounts and keys', () => {
    expect(floatWeightsToU16([1, 2, 3], [0.5, 0.3, 0.2])).toEqual({ uids: [1, 2, 3], weights: [65535, 39321, 26214] });
    // Scale-free, and zeros (also ones that round to 0) are dropped.
    expect(floatWeightsToU16([4, 5, 6, 7], [3, 0, 1, 1e-7])).toEqual({ uids: [4, 6], weights: [65535, 21845] });
    expect(parseWeights('0.5, 1e-1,.25', false)).toEqual([0.5, 0.1, 0.25]);
    expect(parseWeights('65535,0', true)).toEqual([65535, 0]);
    expect(parseUids('0,7, 65535')).toEqual([0, 7, 65535]);
    expect(() => parseUids('65536')).toThrow(/uids/);
    expect(parseTao('12.5')).toBe(12_500_000_000n);
    expect(parseTao('0.000000001')).toBe(1n);
    expect(parseTao('1000')).toBe(1000n * TAO);
    expect(formatTao(12_500_000_001n)).toBe('12.500000001');
    expect(formatTao(12_509_999_999n, 5)).toBe('12.50999');
    for (const ok of ['//Alice', '//Alice//validator0', '//Bob/soft', `0x${'ab'.repeat(32)}`, `${'abandon '.repeat(11)}about`, `${'abandon '.repeat(11)}about//hard`]) {
      expect(isSecretUri(ok), ok).toBe(true);
    }
    for (const bad of ['Alice', 'bad words here', '0x1234', '', `${'abandon '.repeat(10)}about`]) expect(isSecretUri(bad), bad).toBe(false);
    expect(shortAddress(keypair('//Alice').address)).toBe('5GrwvaEF…oHGKutQY');
  });
});
