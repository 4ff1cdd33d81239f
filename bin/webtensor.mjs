#!/usr/bin/env node
// Entry point of the `webtensor` command. The code is TypeScript; tsx loads it in place.
// js-libp2p v3 and chopsticks need Node 22: on an older Node, run again under bin/with-node22
// (which installs Node 22 from the npm registry once, into a cache folder).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22 && !process.env.WEBTENSOR_REEXEC) {
  const wrapper = fileURLToPath(new URL('./with-node22', import.meta.url));
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(wrapper, ['node', script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, WEBTENSOR_REEXEC: '1' },
  });
  if (child.error) {
    console.error(`webtensor: Node ${process.versions.node} is too old (need 22) and ${wrapper} failed: ${child.error.message}`);
    process.exit(1);
  }
  process.exit(child.status ?? 1);
}

// node:sqlite (the validator's state, built into Node 22) warns that it is experimental on first
// use; the API we use is stable across 22.x and the warning only alarms users.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) =>
  String(warning).includes('SQLite is an experimental feature') ? undefined : emitWarning.call(process, warning, ...rest);

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../relay/cli.ts');
process.exitCode = await main(process.argv.slice(2));
