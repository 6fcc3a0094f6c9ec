// Citizens: sessions arriving over HTTP (POST /api/interactions, as the admin) at the profile's
// rate. Each carries its send time in `data.t0` so the agent that gets the offer can time it.
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { REQUEST_TIMEOUT, headers } from '../lib/api.js';
import { citizenRetries, sessionsCreated, sessionsNotCreated } from '../lib/metrics.js';
import { baseUrl, groupId, profile, stepAt } from '../lib/profile.js';

export function citizens(agency) {
  const t0 = Date.now();
  const step = stepAt(profile.arrival, t0 - exec.scenario.startTime);
  const id = `${agency.runId}-${exec.scenario.iterationInTest}`;
  const body = {
    id,
    channel: 'chat',
    groupId: groupId(Math.floor(Math.random() * profile.groups)),
    contact: { name: `Cidadão ${exec.scenario.iterationInTest}` },
    data: step === undefined ? { t0 } : { t0, step },
  };
  const params = {
    headers: headers(),
    tags: { name: 'POST /api/interactions' },
    // Only the status matters here; not keeping bodies saves the generator memory and CPU.
    responseType: 'none',
  };
  let res = http.post(`${baseUrl}/api/interactions`, JSON.stringify(body), params);
  if (res.status === 0 && res.error_code !== REQUEST_TIMEOUT) {
    // A transport failure (the server closed an idle keep-alive connection as k6 reused it):
    // create is idempotent on the id, so one retry is safe — what a real client would do. Not
    // after a timeout: the server is then behind, and the first POST may still be in its queue.
    citizenRetries.add(1);
    res = http.post(`${baseUrl}/api/interactions`, JSON.stringify(body), params);
  }
  const tags = step === undefined ? {} : { step: String(step) };
  // 200: the retry found the first attempt had created it.
  if (check(res, { 'citizen: session created (201)': (r) => r.status === 201 || r.status === 200 })) sessionsCreated.add(1, tags);
  else sessionsNotCreated.add(1, tags);
}
