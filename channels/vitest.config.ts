// Channel tests run the whole server in-process (PGlite in memory) against a Graph API simulator
// and real WebSocket clients; files run one at a time to stay light on a shared machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false },
});
