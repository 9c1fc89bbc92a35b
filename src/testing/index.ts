// Public API of `enumguard/testing`: the Store contract as node:test suites, for anyone writing a store.
export {
  CONTRACT_START_MS,
  describeStoreContract,
  type ContractContext,
  type StoreSetup,
  type StoreUnderTest,
} from './store-contract.ts';
