// Admin calls to the Atende REST API (API.md) used by setup, citizens and teardown.
import http from 'k6/http';
import { adminToken, baseUrl } from './profile.js';

/** k6's error code for a request that got no answer within its timeout (60 s). */
export const REQUEST_TIMEOUT = 1050;

export function headers(token = adminToken) {
  return { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
}

/** A request for http.batch / http.request: [method, url, body, params]. */
export function request(method, path, body, tags = {}) {
  return {
    method,
    url: `${baseUrl}${path}`,
    body: body === undefined ? null : JSON.stringify(body),
    params: { headers: headers(), tags: { name: `${method} ${tags.name ?? path}` } },
  };
}

/** Runs requests `concurrency` at a time; throws on the first answer outside `ok` statuses. */
export function batchAll(requests, concurrency = 50, ok = [200, 201]) {
  const answers = [];
  for (let i = 0; i < requests.length; i += concurrency) {
    const chunk = requests.slice(i, i + concurrency);
    const responses = http.batch(chunk);
    responses.forEach((res, j) => {
      if (!ok.includes(res.status)) {
        throw new Error(`${chunk[j].method} ${chunk[j].url} → ${res.status} ${String(res.body).slice(0, 300)}`);
      }
      answers.push(res);
    });
  }
  return answers;
}

export function login(username, password) {
  const res = http.post(`${baseUrl}/api/login`, JSON.stringify({ username, password }), {
    headers: { 'Content-Type': 'application/json' },
    tags: { name: 'POST /api/login' },
  });
  if (res.status !== 200) throw new Error(`login ${username} → ${res.status} ${res.body}`);
  return res.json('token');
}

/** Every interaction the server knows, newest first, page by page. */
export function allInteractions() {
  const items = [];
  let cursor;
  for (;;) {
    const query = `limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = http.get(`${baseUrl}/api/interactions?${query}`, { headers: headers(), tags: { name: 'GET /api/interactions' } });
    if (res.status !== 200) throw new Error(`GET /api/interactions → ${res.status} ${String(res.body).slice(0, 300)}`);
    const page = res.json();
    for (const item of page.items) items.push({ id: item.id, state: item.state });
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
}
