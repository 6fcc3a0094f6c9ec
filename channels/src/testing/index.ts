// @atende/channels/testing: support for tests and the load harness, never used by the server.
export { contract, GraphSimulator, type SentMessage, type SimulatorOptions } from './graph-simulator.js';
