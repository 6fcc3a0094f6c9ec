// `npm run loadtest -- <profile> [--engine memory|redis]`: runs the profile and prints the
// Markdown summary, then — as the very last line — the summary JSON. Exit 0 only when every
// threshold held; 1 when one was crossed; 2 on bad usage.
import { parseArgs, USAGE, UsageError } from './cli/args.js';
import { ensureK6 } from './k6/install.js';
import { binDir } from './paths.js';
import { runProfile } from './run.js';
import { compactSummary } from './summary/build.js';

async function main(argv: readonly string[]): Promise<number> {
  let invocation;
  try {
    invocation = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`loadtest: ${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  switch (invocation.command) {
    case 'help':
      console.log(USAGE);
      return 0;
    case 'install-k6':
      console.log(await ensureK6(binDir));
      return 0;
    case 'run':
      const { summary, markdown } = await runProfile(invocation);
      process.stdout.write(`\n${markdown}\n`);
      console.log(JSON.stringify(compactSummary(summary)));
      return summary.thresholdsPassed ? 0 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('loadtest: failed', err);
    process.exit(1);
  },
);
