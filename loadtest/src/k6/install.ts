// k6 built by the project: `go install go.k6.io/k6@<pinned>` into the repository's git-ignored
// bin/, reused while `bin/k6 version` reports the pinned version. No downloaded binaries.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const K6_VERSION = 'v1.8.1';
export const K6_MODULE = 'go.k6.io/k6';

/** The version `k6 version` prints ("k6 v1.8.1 (go1.26.8, linux/amd64)"), or undefined. */
export function parseK6Version(output: string): string | undefined {
  return /\bk6 (v\d+\.\d+\.\d+\S*)/.exec(output)?.[1];
}

/** GOFLAGS with -mod=mod added (go install of a module version outside any module wants it on some setups). */
export function goFlags(current: string | undefined): string {
  const flags = (current ?? '').split(/\s+/).filter((f) => f !== '' && !f.startsWith('-mod='));
  return [...flags, '-mod=mod'].join(' ');
}

export function installedK6Version(k6Path: string): string | undefined {
  if (!existsSync(k6Path)) return undefined;
  const result = spawnSync(k6Path, ['version'], { encoding: 'utf8' });
  return result.status === 0 ? parseK6Version(result.stdout) : undefined;
}

/** Path of a k6 of the pinned version in binDir, building it first when missing or another version. */
export async function ensureK6(binDir: string, log: (line: string) => void = (l) => console.error(l)): Promise<string> {
  const k6Path = path.join(binDir, 'k6');
  const found = installedK6Version(k6Path);
  if (found === K6_VERSION) return k6Path;
  log(found ? `k6: ${k6Path} is ${found}, building ${K6_VERSION}` : `k6: building ${K6_MODULE}@${K6_VERSION} into ${binDir} (go install, a few minutes the first time)`);
  mkdirSync(binDir, { recursive: true });
  const env = { ...process.env, GOBIN: binDir, GOFLAGS: goFlags(process.env.GOFLAGS) };
  await new Promise<void>((resolve, reject) => {
    const go = spawn('go', ['install', `${K6_MODULE}@${K6_VERSION}`], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    go.on('error', (err) => reject(new Error(`k6: cannot run go (is Go installed?): ${err.message}`)));
    go.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`k6: go install exited with ${code}`))));
  });
  const built = installedK6Version(k6Path);
  if (built !== K6_VERSION) throw new Error(`k6: after go install, ${k6Path} reports ${built ?? 'nothing'}, not ${K6_VERSION}`);
  return k6Path;
}
