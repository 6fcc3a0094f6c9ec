// Supervisors: each VU keeps `boardsPerVu` live boards open (WS /ws/board, a supervisor's login
// token) and times every update against the `at` the server stamps on it. A board the server
// drops as a slow consumer (close 1013) is counted and reopened. k6 reads sockets into an
// unbounded queue, so a board this VU cannot keep up with is closed and reopened by the VU
// itself (counted apart): at 2,000 agents each `agents` update is ~0.8 MB, and an unread
// backlog once grew k6 past 20 GB.
import { check } from 'k6';
import exec from 'k6/execution';
import { setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import { boardBacklogCloses, boardDrops, boardLag, boardUpdates, k6EventLag } from '../lib/metrics.js';
import { connectedSeconds, profile, wsBaseUrl } from '../lib/profile.js';

// Board messages start {"type":"…","at":"…" — read just that, not the whole (large) payload.
const HEAD = /^\{"type":"(\w+)","at":"([^"]+)"/;
/** Behind by more than this (read off the network → handled here), the VU lets go of the board. */
const MAX_BACKLOG_MS = 2_000;
const REOPEN_MS = 1_000;

export function supervisors(agency) {
  const vu = exec.scenario.iterationInTest;
  const deadline = exec.scenario.startTime + connectedSeconds(profile) * 1000;
  const first = vu * profile.boardsPerVu;
  const last = Math.min(first + profile.boardsPerVu, profile.boards);
  for (let n = first; n < last; n++) setTimeout(() => openBoard(agency.supervisorToken, deadline), (n - first) * 100);
}

function openBoard(token, deadline) {
  let closing = false;
  let snapshot = false;
  const ws = new WebSocket(`${wsBaseUrl}/ws/board`, null, { headers: { Authorization: `Bearer ${token}` } });
  ws.onmessage = (event) => {
    if (closing) return;
    const backlog = Date.now() - event.timestamp;
    k6EventLag.add(backlog, { socket: 'board' });
    const head = HEAD.exec(event.data.slice(0, 80));
    if (!head) return;
    if (head[1] === 'snapshot') snapshot = true;
    else boardUpdates.add(1, { topic: head[1] });
    // Receipt is when k6 read the frame, so a backlog in this VU does not count as server lag.
    boardLag.add(event.timestamp - Date.parse(head[2]));
    if (backlog > MAX_BACKLOG_MS) {
      closing = true;
      boardBacklogCloses.add(1);
      ws.close();
      if (Date.now() < deadline) setTimeout(() => openBoard(token, deadline), REOPEN_MS);
    }
  };
  ws.onerror = (event) => {
    if (!closing) console.warn(`board: socket error ${event.error}`);
  };
  ws.onclose = (event) => {
    if (closing) return;
    check(snapshot, { 'board: snapshot on connect': (s) => s });
    if (event.code === 1013) boardDrops.add(1);
    check(event.code, { 'board: stays open (not dropped as a slow consumer)': () => false });
    if (Date.now() < deadline) setTimeout(() => openBoard(token, deadline), 1_000);
  };
  setTimeout(() => {
    if (closing) return;
    closing = true;
    check(snapshot, { 'board: snapshot on connect': (s) => s });
    ws.close();
  }, Math.max(0, deadline - Date.now()));
}
