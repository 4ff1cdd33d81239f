/** Node-side chain tooling: the local chopsticks launcher and the demo-subnet bootstrap. */
export {
  ChainSpecNotFoundError,
  DEFAULT_CHAIN_SPEC,
  REPO_ROOT,
  chopsticksCliPath,
  freePort,
  resolveChainSpec,
  startLocalChain,
  type BuildBlockMode,
  type LocalChain,
  type LocalChainOptions,
} from './launcher.ts';
export {
  TAO,
  bootstrapSubnet,
  devNeurons,
  fundAccounts,
  type BootstrapOptions,
  type BootstrapResult,
  type BootstrappedNeuron,
  type NeuronSpec,
} from './bootstrap.ts';
export { connectLocalClient } from './connect.ts';
