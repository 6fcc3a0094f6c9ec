// Where things are, from this file's place in the repository (dist/ or src/ of loadtest/).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const loadtestDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(loadtestDir, '..');
export const binDir = path.join(repoRoot, 'bin');
export const resultsDir = path.join(loadtestDir, 'results');
export const scenarioScript = path.join(loadtestDir, 'scenarios', 'agency.js');
/** The server's entry; LOADTEST_SERVER_ENTRY points elsewhere (e.g. the whole system once the channels' main lands). */
export const serverEntry = process.env.LOADTEST_SERVER_ENTRY || path.join(repoRoot, 'router', 'dist', 'server', 'main.js');
