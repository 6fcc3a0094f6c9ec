// The profile chosen by the runner (LOADTEST_PROFILE, JSON of src/profiles.ts) and where the system
// listens; shared by every scenario. Run by k6 (plain ES modules, no Node APIs).
export { agentId, arrivalSeconds, between, connectedSeconds, groupId, stepAt } from './schedule.js';

function required(name) {
  const value = __ENV[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set (run through \`npm run loadtest -- <profile>\`)`);
  return value;
}

export const profile = JSON.parse(required('LOADTEST_PROFILE'));
export const baseUrl = required('BASE_URL').replace(/\/$/, '');
export const wsBaseUrl = baseUrl.replace(/^http/, 'ws');
export const adminToken = required('ADMIN_TOKEN');
