// @atende/loadtest public surface: the profiles and the runner's pure parts (arguments, summary,
// thresholds), for other tools that drive or read load runs.
export { PROFILES, PROFILE_NAMES, arrivalSeconds, connectedSeconds, isProfileName, type Arrival, type Profile, type ProfileName } from './profiles.js';
export { parseArgs, USAGE, UsageError, type Engine, type Invocation } from './cli/args.js';
export { buildSummary, compactSummary, lostSessions, type RunSummary, type SummaryInput } from './summary/build.js';
export { evaluateThresholds, allGatesHeld, type ThresholdResult } from './summary/thresholds.js';
export { findKnee, stepFigures, type Knee, type StepFigures } from './summary/knee.js';
export { markdownSummary } from './summary/markdown.js';
export { runProfile, type RunRequest, type RunOutput } from './run.js';
export { ensureK6, K6_VERSION } from './k6/install.js';
