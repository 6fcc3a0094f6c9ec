// Supervisors: each VU keeps one live board open (WS /ws/board, a supervisor's login token) and
// times every update against the `at` the server stamps on it. A board the server drops as a slow
// consumer (close 1013) is counted and reopened.
//
// k6/ws, not k6/websockets: k6/ws hands each frame to the VU through an unbuffered channel, so a
// VU that falls behind stops reading and the server sees a slow consumer, as it would with a
// slow browser. k6/websockets reads into an unbounded queue instead: when every `agents` update
// carried the whole list (~0.8 MB at 2,000 agents; now only the changed agents), 100 boards grew
// k6 past 8 GB in a minute.
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import ws from 'k6/ws';
import { boardDrops, boardLag, boardUpdates } from '../lib/metrics.js';
import { connectedSeconds, profile, wsBaseUrl } from '../lib/profile.js';

// Board messages start {"type":"…","at":"…" — read just that, not the whole (large) payload.
const HEAD = /^\{"type":"(\w+)","at":"([^"]+)"/;
const SLOW_CONSUMER = 1013;
const REOPEN_SECONDS = 1;

export function supervisors(agency) {
  const deadline = exec.scenario.startTime + connectedSeconds(profile) * 1000;
  // Spread the opening handshakes (each answers with a full snapshot).
  sleep((exec.scenario.iterationInTest % 20) * 0.1);
  while (Date.now() < deadline - 1_000) {
    const closedBy = watchBoard(agency.supervisorToken, deadline);
    if (closedBy === 'us') return;
    if (Date.now() < deadline) sleep(REOPEN_SECONDS);
  }
}

/** One board session until the deadline ('us') or until the server closes it ('server'). */
function watchBoard(token, deadline) {
  let snapshot = false;
  let closing = false;
  let closeCode;
  const res = ws.connect(`${wsBaseUrl}/ws/board`, { headers: { Authorization: `Bearer ${token}` } }, (socket) => {
    socket.on('message', (data) => {
      const received = Date.now();
      const head = HEAD.exec(data.slice(0, 80));
      if (!head) return;
      if (head[1] === 'snapshot') snapshot = true;
      else boardUpdates.add(1, { topic: head[1] });
      boardLag.add(received - Date.parse(head[2]));
    });
    socket.on('close', (code) => {
      closeCode = code;
    });
    socket.on('error', (e) => {
      if (!closing) console.warn(`board: socket error ${e.error ? e.error() : e}`);
    });
    socket.setTimeout(() => {
      closing = true;
      socket.close();
    }, Math.max(0, deadline - Date.now()));
  });
  check(res, { 'board: socket opened (101)': (r) => r && r.status === 101 });
  check(snapshot, { 'board: snapshot on connect': (s) => s });
  if (closing) return 'us';
  if (closeCode === SLOW_CONSUMER) boardDrops.add(1);
  check(closeCode, { 'board: stays open (not dropped as a slow consumer)': () => false });
  return 'server';
}
