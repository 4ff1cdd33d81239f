/**
 * Local chain launcher (Node only): runs the real subtensor runtime from a raw chain spec with
 * chopsticks (`--genesis`, no native node, no `--db`), on 127.0.0.1 and a free (or given) port.
 *
 * chopsticks runs as a child process in its own process group: `stop()` sends SIGTERM to the
 * group, then SIGKILL, and leaves nothing behind. If the parent exits without `stop()`, an `exit`
 * hook kills the group; if the parent is killed outright (SIGKILL, where no hook runs), chopsticks
 * sees EOF on its stdin pipe (a small watchdog wraps its CLI) and exits by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (relay/chain/ is two levels below it). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The spec the project uses by default, relative to the repository root. */
export const DEFAULT_CHAIN_SPEC = '../shared/chain/subtensor-localnet-spec185.json';

export type BuildBlockMode = 'Manual' | 'Instant' | 'Batch';

export interface LocalChainOptions {
  /** Raw chain spec path (absolute, or relative to the repository root). Default `DEFAULT_CHAIN_SPEC`. */
  specPath?: string;
  host?: string;
  /** Default: a free port. */
  port?: number;
  /** `Manual` (default; build with `newBlock`), `Instant` (one block per extrinsic) or `Batch`. */
  buildBlockMode?: BuildBlockMode;
  /** How long to wait for RPC to answer. Default 90 s. */
  readyTimeoutMs?: number;
  /** chopsticks log level (`LOG_LEVEL`). Default `warn` (block logs cost CPU on small machines). */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Receives every line chopsticks prints. */
  onLog?: (line: string) => void;
}

export interface LocalChain {
  /** `ws://host:port` */
  endpoint: string;
  httpUrl: string;
  host: string;
  port: number;
  pid: number;
  specPath: string;
  buildBlockMode: BuildBlockMode;
  /** Milliseconds from spawn until RPC answered. */
  startupMs: number;
  /** One JSON-RPC call over HTTP. */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Builds `count` blocks (`dev_newBlock`); resolves with the new head's hash. */
  newBlock(count?: number): Promise<string>;
  /** `dev_setStorage` on the head (chopsticks' pallet/storage-name object format). */
  setStorage(values: Record<string, unknown>): Promise<void>;
  /** The last lines chopsticks printed (for error messages). */
  logTail(lines?: number): string;
  /** Ends chopsticks and its process group; safe to call twice. */
  stop(): Promise<void>;
}

export class ChainSpecNotFoundError extends Error {
  override readonly name = 'ChainSpecNotFoundError';
  constructor(readonly specPath: string) {
    super(
      `chain spec not found: ${specPath} (the raw subtensor spec is expected at ${DEFAULT_CHAIN_SPEC} relative to the ` +
        `repository root, or pass another path)`,
    );
  }
}

/** Resolves a spec path (absolute or relative to the repository root) and checks that it exists. */
export function resolveChainSpec(specPath: string = DEFAULT_CHAIN_SPEC): string {
  const absolute = resolve(REPO_ROOT, specPath);
  if (!existsSync(absolute)) throw new ChainSpecNotFoundError(absolute);
  return absolute;
}

/** The chopsticks CLI entry of the installed package. */
export function chopsticksCliPath(): string {
  // The package's `exports` hides package.json and the bin script: look in node_modules folders.
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('@acala-network/chopsticks') ?? []) {
    const cli = join(dir, '@acala-network', 'chopsticks', 'chopsticks.cjs');
    if (existsSync(cli)) return cli;
  }
  throw new Error('@acala-network/chopsticks is not installed (run npm install)');
}

/** Resolves when `port` can be bound on `host`; rejects with a clear error when something else holds it. */
export async function checkPortFree(port: number, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolveFree, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${host} is in use (EADDRINUSE): another chain or program holds it; choose another port (webtensor start --chain-port N, webtensor chain --port N)`)
          : error,
      ),
    );
    server.listen(port, host, () => server.close(() => resolveFree()));
  });
}

/** A port that was free a moment ago. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function jsonRpc<T>(url: string, method: string, params: unknown[], timeoutMs = 60_000): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as { result?: T; error?: { code: number; message: string; data?: unknown } };
  if (body.error) throw new Error(`${method}: ${body.error.message}${body.error.data ? ` (${JSON.stringify(body.error.data)})` : ''}`);
  return body.result as T;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* gone */
    }
  }
}

/** Starts chopsticks on the spec and resolves once its RPC answers. */
export async function startLocalChain(options: LocalChainOptions = {}): Promise<LocalChain> {
  const specPath = resolveChainSpec(options.specPath);
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  // A given port must be ours: an RPC already answering there would be mistaken for our chain.
  if (options.port !== undefined) await checkPortFree(options.port, options.host);
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await launchOnce(specPath, options.port ?? (await freePort(options.host)), options);
    } catch (error) {
      lastError = error;
      if (!(error instanceof Error) || !/EADDRINUSE|address already in use/i.test(error.message)) throw error;
    }
  }
  throw lastError;
}

async function launchOnce(specPath: string, port: number, options: LocalChainOptions): Promise<LocalChain> {
  const host = options.host ?? '127.0.0.1';
  const mode = options.buildBlockMode ?? 'Manual';
  const httpUrl = `http://${host}:${port}`;
  const started = Date.now();
  const cli = chopsticksCliPath();
  // chopsticks' CLI behind a watchdog: its stdin is a pipe from this process, so when this process
  // dies in any way (even SIGKILL, where no exit hook runs) chopsticks sees EOF and exits.
  const watchdog =
    `process.stdin.on('end', () => process.exit(0)); process.stdin.on('error', () => process.exit(0)); ` +
    `process.stdin.resume(); process.argv.splice(1, 0, ${JSON.stringify(cli)}); require(${JSON.stringify(cli)});`;
  const child = spawn(
    process.execPath,
    ['-e', watchdog, '--', '--genesis', specPath, '--host', host, '--port', String(port), '--build-block-mode', mode],
    {
      cwd: REPO_ROOT,
      detached: true, // own process group: stop() kills the whole group
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: options.logLevel ?? 'warn', LOG_COMPACT: 'true', PORT: '' },
    },
  );
  const tail: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 300) tail.shift();
      options.onLog?.(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((r) => child.once('exit', (code, signal) => ((exited = { code, signal }), r())));
  const onParentExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onParentExit);
  const logTail = (lines = 40) => tail.slice(-lines).join('\n');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onParentExit);
    if (!exited) {
      killGroup(child, 'SIGTERM');
      await Promise.race([exitPromise, sleep(5_000)]);
    }
    // Whatever is left in the group (workers), and the leader if SIGTERM was not enough.
    killGroup(child, 'SIGKILL');
    if (!exited) await Promise.race([exitPromise, sleep(2_000)]);
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
  };

  // Wait until RPC answers (bounded), or the process dies.
  const deadline = started + (options.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`chopsticks exited (code ${exited.code}, signal ${exited.signal}) before RPC was ready:\n${logTail()}`);
    }
    try {
      await jsonRpc(httpUrl, 'chain_getHeader', [], 2_000);
      break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`chopsticks RPC not ready at ${httpUrl} within ${options.readyTimeoutMs ?? 90_000} ms:\n${logTail()}`);
    }
    await sleep(250);
  }
  const startupMs = Date.now() - started;

  const rpc = <T>(method: string, params: unknown[] = []) => jsonRpc<T>(httpUrl, method, params);
  return {
    endpoint: `ws://${host}:${port}`,
    httpUrl,
    host,
    port,
    pid: child.pid ?? -1,
    specPath,
    buildBlockMode: mode,
    startupMs,
    rpc,
    newBlock: (count = 1) => rpc<string>('dev_newBlock', [{ count }]),
    setStorage: async (values) => {
      await rpc('dev_setStorage', [values]);
    },
    logTail,
    stop,
  };
}
