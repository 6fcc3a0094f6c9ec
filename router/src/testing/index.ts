// Test helpers other packages' tests share (not used by the server itself).
export { TestSocket } from './socket-client.js';
