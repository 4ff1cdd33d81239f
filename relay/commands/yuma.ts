/**
 * `webtensor yuma <snapshot.json | ->`: one metagraph snapshot in, one epoch result out (JSON).
 * The format is the contract documented in README.md ("Yuma CLI"); invalid input exits 2 with a
 * one-line error that names the offending field.
 */
import { readFile } from 'node:fs/promises';
import { epochResultToJson, parseSnapshot, runEpoch, SnapshotError } from '../../src/consensus/index.ts';
import type { Command } from '../cli.ts';

async function readInput(source: string): Promise<string> {
  if (source !== '-') return readFile(source, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const yumaCommand: Command = {
  summary: 'run one Yuma Consensus epoch over a metagraph snapshot (file or - for stdin)',
  usage: [
    'usage: webtensor yuma <snapshot.json | ->',
    '',
    'Reads one metagraph snapshot (variant, block, params, neurons, weights, bonds) and prints the',
    'epoch result as JSON: consensus, incentive, dividends, validatorTrust, bonds, validatorPermit,',
    'serverEmissionShare, validatorEmissionShare. See README.md, "Yuma CLI", for the format.',
    'Exit codes: 0 ok, 2 invalid input (one-line error naming the field).',
  ].join('\n'),
  async run(args) {
    if (args.length !== 1) {
      console.error('webtensor yuma: expected exactly one argument: a snapshot file path or - for stdin');
      return 2;
    }
    let text: string;
    try {
      text = await readInput(args[0]);
    } catch (error) {
      console.error(`webtensor yuma: cannot read ${args[0]}: ${(error as Error).message}`);
      return 2;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      console.error(`webtensor yuma: malformed JSON: ${(error as Error).message}`);
      return 2;
    }
    try {
      const snapshot = parseSnapshot(json);
      process.stdout.write(`${JSON.stringify(epochResultToJson(runEpoch(snapshot)))}\n`);
      return 0;
    } catch (error) {
      if (error instanceof SnapshotError) {
        console.error(`webtensor yuma: ${error.message}`);
        return 2;
      }
      throw error;
    }
  },
};
