#!/usr/bin/env node
// Entry point of the `webtensor` command. The code is TypeScript; tsx loads it in place.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../relay/cli.ts');
process.exitCode = await main(process.argv.slice(2));
