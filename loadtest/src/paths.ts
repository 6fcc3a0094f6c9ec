// Where things are, from this file's place in the repository (dist/ or src/ of loadtest/).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const loadtestDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(loadtestDir, '..');
export const binDir = path.join(repoRoot, 'bin');
export const resultsDir = path.join(loadtestDir, 'results');
export const scenarioScript = path.join(loadtestDir, 'scenarios', 'agency.js');
/**
 * The server's entry: the whole system `npm start` runs (router with the webchat and WhatsApp
 * channels mounted); LOADTEST_SERVER_ENTRY points elsewhere (e.g. router/dist/server/main.js for
 * the router alone, with an `api`-only mix).
 */
export const serverEntry = process.env.LOADTEST_SERVER_ENTRY || path.join(repoRoot, 'channels', 'dist', 'main.js');
/** The Graph API sink's process entry (built: the runner runs from dist/). */
export const graphSinkEntry = path.join(loadtestDir, 'dist', 'graph', 'main.js');
