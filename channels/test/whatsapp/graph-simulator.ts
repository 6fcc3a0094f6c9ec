// The Graph API simulator lives in src/testing so the load harness can use it too (@atende/channels/testing).
export * from '../../src/testing/graph-simulator.js';
