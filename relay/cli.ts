/**
 * The `webtensor` command: one entry point for every Node-side tool.
 * Each subcommand lives in `relay/commands/` and returns an exit code; errors that a user can act
 * on are printed as one line on stderr.
 */
export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

/** Commands load lazily: `yuma` must not pay for the chain and Vite modules of `start`. */
const commands: Record<string, () => Promise<Command>> = {
  yuma: async () => (await import('./commands/yuma.ts')).yumaCommand,
  start: async () => (await import('./commands/start.ts')).startCommand,
  chain: async () => (await import('./commands/chain.ts')).chainCommand,
  relay: async () => (await import('./relay/command.ts')).relayCommand,
  validator: async () => (await import('./validator/command.ts')).validatorCommand,
  mine: async () => (await import('./miner/command.ts')).mineCommand,
  bench: async () => (await import('../bench/index.ts')).benchCommand,
  metagraph: async () => (await import('./commands/metagraph.ts')).metagraphCommand,
  register: async () => (await import('./commands/register.ts')).registerCommand,
  stake: async () => (await import('./commands/stake.ts')).stakeCommand,
  weights: async () => (await import('./commands/weights.ts')).weightsCommand,
};

async function help(): Promise<string> {
  const lines = ['usage: webtensor <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(commands)) {
    const command = await load();
    lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  }
  lines.push('', 'Run `webtensor <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help());
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`webtensor: unknown command "${name}"\n\n${await help()}`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    // Failures a user can act on (a port in use, a dead chain, …) read as one line; set
    // WEBTENSOR_DEBUG=1 for the stack.
    const message = error instanceof Error ? error.message : String(error);
    console.error(`webtensor ${name}: ${message}`);
    if (process.env.WEBTENSOR_DEBUG) console.error(error);
    return 1;
  }
}
