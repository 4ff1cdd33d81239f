/**
 * The mesh's own cost, measured in one run:
 * 1. Challenge round trip with (almost) no inference — batch 1 on the garbage model — from the
 *    validator through the relay's circuit to a Node miner and to a browser-tab miner (Chromium,
 *    WASM) and back, each beside a plain HTTP request/response on loopback. "Overhead" subtracts
 *    the inference time the miner reports.
 * 2. One validator round over 100 Node miners behind one relay (the relay a separate process, so
 *    its CPU is its own): round wall time p50/p99 and the relay's CPU.
 */
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keypair, keysReady } from '../src/chain/keys.ts';
import { protocolReady } from '../src/protocol/index.ts';
import { startRelay } from '../relay/relay/node.ts';
import { fileRegistry } from '../relay/registry/registry.ts';
import { startNodeMiner, type NodeMiner } from '../relay/miner/node-miner.ts';
import { startValidator, type Validator } from '../relay/validator/validator.ts';
import { launchChromium } from '../tests/support/chromium.ts';
import { startAppServer } from '../tests/support/app-server.ts';
import { freePort, startCli, until } from '../tests/support/webtensor-process.ts';
import { formatTable, quantile } from './table.ts';

const NETUID = 9;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const FLEET = Number(process.env.BENCH_FLEET ?? 100);

/** p50/p99 of a plain HTTP POST of `bytes` answered with `bytes`, on 127.0.0.1, keep-alive. */
async function httpRoundTrips(bytes: number, count: number): Promise<number[]> {
  const body = Buffer.alloc(bytes, 7);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.end(Buffer.concat(chunks)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const req = request({ host: '127.0.0.1', port, method: 'POST', agent, headers: { 'content-length': body.length } }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(performance.now() - t0));
      });
      req.on('error', reject);
      req.end(body);
    });
  for (let i = 0; i < 20; i++) await one();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await one());
  agent.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return samples;
}

interface Rtt {
  rtt: number[];
  overhead: number[];
}

/** Rounds of one challenge each against the only live miner; returns round trips and overheads. */
async function challengeRoundTrips(validator: Validator, count: number): Promise<Rtt> {
  const rtt: number[] = [];
  const overhead: number[] = [];
  for (let i = 0; i < 10; i++) await validator.runRound(); // warm: connections, JIT, kernels
  for (let i = 0; i < count; i++) {
    const r = await validator.runRound();
    const o = r.outcomes[0];
    if (!o || o.outcome !== 'scored') throw new Error(`bench challenge failed: ${o?.outcome} ${o?.reason}`);
    rtt.push(o.roundTripMs);
    overhead.push(o.roundTripMs - (o.inferenceMs ?? 0));
  }
  return { rtt, overhead };
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks (USER_HZ = 100)
}

export async function benchMesh(): Promise<string> {
  await Promise.all([keysReady(), protocolReady()]);
  const dir = mkdtempSync(join(tmpdir(), 'webtensor-bench-mesh-'));
  const validatorKey = keypair('//Alice//validator0');
  const out: string[] = [];
  try {
    // ---- 1. round trips ----
    const registryFile = join(dir, 'registry.json');
    const minerKey = keypair('//Bob//miner0');
    const tabKey = keypair('//Bob//tab0');
    const writeRegistry = (hotkeys: string[]) =>
      writeFileSync(
        registryFile,
        JSON.stringify({ netuid: NETUID, neurons: [{ uid: 0, hotkey: validatorKey.address, validatorPermit: true }, ...hotkeys.map((h, i) => ({ uid: i + 1, hotkey: h }))] }),
      );
    writeRegistry([minerKey.address, tabKey.address]);
    const registry = fileRegistry(registryFile, NETUID);
    const relay = await startRelay({ port: 0, httpPort: 0, keyFile: join(dir, 'relay.key'), netuids: [NETUID] });
    const validator = await startValidator({
      relays: relay.multiaddrs, netuid: NETUID, taskId: 'digits-v1', hotkey: validatorKey, dbPath: join(dir, 'rtt.db'), registry,
      roundIntervalMs: 0, samplePerRound: 1, batch: 1, weightsEveryRounds: 1_000_000, http: null, minerTtlMs: 3_000,
    });
    const http = await httpRoundTrips(4096, SAMPLES);
    const rows: (string | number)[][] = [];
    const httpP50 = quantile(http, 0.5);
    rows.push(['plain HTTP POST 4 KiB, loopback', quantile(http, 0.5), quantile(http, 0.99), '', '', 1]);

    const miner = await startNodeMiner({ relays: relay.multiaddrs, netuid: NETUID, taskId: 'digits-v1', model: 'garbage', hotkey: minerKey, registry, announceEveryMs: 500 });
    await until('the Node miner', () => validator.live().length === 1, 15_000);
    const node = await challengeRoundTrips(validator, SAMPLES);
    rows.push(['validator → relay → Node miner → back', quantile(node.rtt, 0.5), quantile(node.rtt, 0.99), quantile(node.overhead, 0.5), quantile(node.overhead, 0.99), quantile(node.rtt, 0.5) / httpP50]);
    await miner.stop();

    const [browser, app] = await Promise.all([launchChromium(), startAppServer()]);
    try {
      const page = await browser.newPage();
      await page.goto(`${app.url}tests/browser/pages/mine.html`);
      await page.waitForFunction(() => (window as unknown as { webtensorMine?: unknown }).webtensorMine !== undefined, null, { timeout: 60_000 });
      const tabPeer = await page.evaluate(
        async (o) => (await (window as unknown as { webtensorMine: { start(o: unknown): Promise<{ peerId: string }> } }).webtensorMine.start(o)).peerId,
        { relays: relay.multiaddrs, netuid: NETUID, hotkeyUri: '//Bob//tab0', modelId: 'garbage', provider: 'wasm', validators: [validatorKey.address], announceEveryMs: 500, warmupBatch: 1 },
      );
      await until('the tab miner', () => validator.live().some((m) => m.peerId === tabPeer), 20_000);
      // Only the tab is live now: forget the Node miner.
      await until('only the tab live', () => validator.live().every((m) => m.peerId === tabPeer), 10_000);
      const tab = await challengeRoundTrips(validator, SAMPLES);
      rows.push(['validator → relay → browser tab (WASM) → back', quantile(tab.rtt, 0.5), quantile(tab.rtt, 0.99), quantile(tab.overhead, 0.5), quantile(tab.overhead, 0.99), quantile(tab.rtt, 0.5) / httpP50]);
    } finally {
      await browser.close();
      await app.close();
    }
    await validator.stop();
    await relay.stop();
    out.push(
      `## mesh: challenge round trip, batch 1 on the garbage model (${SAMPLES} challenges each; goal p50 ≤ 5 ms, p99 ≤ 20 ms)\n\n` +
        formatTable(['path', 'p50 ms', 'p99 ms', 'overhead p50 ms', 'overhead p99 ms', '× HTTP p50'], rows) +
        '\n\noverhead = round trip − the inference time the miner reports; it includes signing and verifying both envelopes.',
    );

    // ---- 2. one validator over 100 Node miners ----
    const fleetKeys = Array.from({ length: FLEET }, (_, i) => keypair(`//Bob//fleet${i}`));
    writeRegistry(fleetKeys.map((k) => k.address));
    const [relayPort, relayHttp] = [await freePort(), await freePort()];
    const relayProcess = startCli(['relay', `--port=${relayPort}`, `--http-port=${relayHttp}`, `--key-file=${join(dir, 'fleet-relay.key')}`, `--netuid=${NETUID}`]);
    try {
      const ma = (await relayProcess.waitFor(/^relay: (\/ip4\/\S+)$/, 60_000))[1];
      const fleet: NodeMiner[] = [];
      for (let i = 0; i < FLEET; i += 10) {
        fleet.push(
          ...(await Promise.all(
            fleetKeys.slice(i, i + 10).map((k) => startNodeMiner({ relays: [ma], netuid: NETUID, taskId: 'digits-v1', model: 'garbage', hotkey: k, registry, announceEveryMs: 2_000 })),
          )),
        );
      }
      const v = await startValidator({
        relays: [ma], netuid: NETUID, taskId: 'digits-v1', hotkey: validatorKey, dbPath: join(dir, 'fleet.db'), registry,
        roundIntervalMs: 0, samplePerRound: FLEET, batch: 1, weightsEveryRounds: 1_000_000, http: null, timeoutMs: 10_000,
      });
      await until('all 100 miners live', () => v.live().length === FLEET, 60_000);
      for (let i = 0; i < 3; i++) await v.runRound();
      const rounds: number[] = [];
      let scored = 0;
      const pid = relayProcess.child.pid!;
      const cpu0 = cpuSeconds(pid);
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) {
        const r = await v.runRound();
        rounds.push(r.durationMs);
        scored += r.outcomes.filter((o) => o.outcome === 'scored').length;
        if (process.env.BENCH_DEBUG) console.error(r.challenged, JSON.stringify(r.outcomes.filter((o) => o.outcome !== 'scored').slice(0, 2)));
      }
      const wall = (performance.now() - t0) / 1000;
      const relayCpu = (cpuSeconds(pid) - cpu0) / wall;
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      await v.stop();
      await Promise.all(fleet.map((m) => m.stop()));
      out.push(
        `## mesh: one validator round over ${FLEET} Node miners on one relay (20 rounds, batch 1; goal < 1 s)\n\n` +
          formatTable(
            ['round p50 ms', 'round p99 ms', 'answers scored', 'relay CPU (cores)', 'relay RSS MiB'],
            [[quantile(rounds, 0.5), quantile(rounds, 0.99), `${scored}/${20 * FLEET}`, relayCpu, rss]],
          ) +
          '\n\nAll miners, the validator and the bench share this machine\'s cores; the relay is its own process.',
      );
    } finally {
      await relayProcess.kill('SIGTERM');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out.join('\n\n');
}
