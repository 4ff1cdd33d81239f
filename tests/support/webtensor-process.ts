/**
 * The `webtensor` command as a real child process, for tests: run to completion (`runCli`) or start
 * a long-running one (`startCli`) whose output is collected and whose lines can be awaited.
 * Children get none of this process's WEBTENSOR_* variables unless given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export { until } from './until.ts';
export { freePort } from '../../relay/chain/launcher.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WEBTENSOR_'))), ...env };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node bin/webtensor.mjs <args>` to its end (killed after `timeoutMs`). */
export function runCli(args: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const { env = {}, input, timeoutMs = 90_000 } = options;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/webtensor.mjs', ...args], { cwd: REPO_ROOT, env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`webtensor ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(input ?? '');
  });
}

export interface CliProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they came. */
  output(): string;
  /** Resolves with the first output line matching `pattern` (searching everything so far). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts `node bin/webtensor.mjs <args>` and returns at once. */
export function startCli(args: string[], options: { env?: Record<string, string> } = {}): CliProcess {
  const child = spawn(process.execPath, ['bin/webtensor.mjs', ...args], { cwd: REPO_ROOT, env: childEnv(options.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString('utf8')));
  // Never outlive the process that started it (a crashed test or bench must not leave a relay running).
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      process.off('exit', reap);
      resolve(code ?? signal ?? -1);
    }),
  );
  return {
    child,
    output: () => text,
    exited,
    async waitFor(pattern, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      let done = false;
      void exited.then(() => (done = true));
      for (;;) {
        const line = text.split('\n').find((l) => pattern.test(l));
        if (line) return line.match(pattern)!;
        if (done) throw new Error(`webtensor ${args[0]} exited before printing ${pattern}; output:\n${text}`);
        if (Date.now() > end) throw new Error(`webtensor ${args[0]} printed no ${pattern} within ${timeoutMs} ms; output:\n${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

