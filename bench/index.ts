/**
 * `npm run bench` / `webtensor bench`: every benchmark section, measured in one run on this
 * machine, printed as tables with ratios side by side.
 */
import os from 'node:os';
import type { Command } from '../relay/cli.ts';
import { benchInference } from './inference.ts';
import { benchMesh } from './mesh.ts';
import { benchYuma } from './yuma.ts';

const sections: Record<string, () => Promise<string> | string> = {
  yuma: benchYuma,
  inference: benchInference,
  mesh: benchMesh,
};

export const benchCommand: Command = {
  summary: 'run the benchmarks and print their tables',
  usage: `usage: webtensor bench [section ...]\n\nsections: ${Object.keys(sections).join(', ')} (default: all)`,
  async run(args) {
    const unknown = args.filter((name) => !(name in sections));
    if (unknown.length > 0) {
      console.error(`webtensor bench: unknown section ${unknown.join(', ')}; sections: ${Object.keys(sections).join(', ')}`);
      return 2;
    }
    const chosen = args.length > 0 ? args : Object.keys(sections);
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(`# webtensor bench — ${new Date().toISOString()} — Node ${process.version}, ${os.cpus().length} × ${cpu}\n`);
    for (const name of chosen) console.log(`${await sections[name]()}\n`);
    return 0;
  },
};
