// Citizens: sessions arriving over HTTP (POST /api/interactions, as the admin) at the profile's
// rate. Each carries its send time in `data.t0` so the agent that gets the offer can time it.
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { headers } from '../lib/api.js';
import { sessionsCreated, sessionsNotCreated } from '../lib/metrics.js';
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
  const res = http.post(`${baseUrl}/api/interactions`, JSON.stringify(body), {
    headers: headers(),
    tags: { name: 'POST /api/interactions' },
    // Only the status matters here; not keeping bodies saves the generator memory and CPU.
    responseType: 'none',
  });
  const tags = step === undefined ? {} : { step: String(step) };
  if (check(res, { 'citizen: session created (201)': (r) => r.status === 201 })) sessionsCreated.add(1, tags);
  else sessionsNotCreated.add(1, tags);
}
