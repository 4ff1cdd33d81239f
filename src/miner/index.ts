export { ChallengeRefused, Miner, type ChallengeEvent, type MinerOptions, type MinerStats, type RefusalReason } from './miner.ts';
export { startMining, type Mining, type MiningOptions } from './run.ts';
