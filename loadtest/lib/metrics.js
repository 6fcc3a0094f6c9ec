// Custom metrics of the agency scenarios. Created once per VU at init; the runner reads them from
// k6's summary export by these names.
import { Counter, Trend } from 'k6/metrics';

/** Citizen's POST sent → offer received by an agent (same machine clock; data.t0 carries the send time). */
export const offerLatency = new Trend('offer_latency', true);
/** Agent's accept sent on its socket → its ack. */
export const acceptRtt = new Trend('accept_rtt', true);
/** Agent's end sent → its ack. */
export const endRtt = new Trend('end_rtt', true);
/** Board message received − the `at` time the server stamped on it. */
export const boardLag = new Trend('board_update_lag', true);

/**
 * An agent socket message read off the network (event.timestamp) → handled by the VU's JS: the
 * load generator's own backlog. Large values mean k6, not the server, was behind.
 */
export const k6EventLag = new Trend('k6_event_lag', true);

export const sessionsCreated = new Counter('sessions_created');
export const sessionsNotCreated = new Counter('sessions_not_created');
/** Citizens' POSTs sent again after a transport failure (same id: create is idempotent). */
export const citizenRetries = new Counter('citizen_retries');
export const offersReceived = new Counter('offers_received');
export const offersRevoked = new Counter('offers_revoked');
export const sessionsHandled = new Counter('sessions_handled');
export const agentErrors = new Counter('agent_errors');
export const agentDisconnects = new Counter('agent_disconnects');
export const boardUpdates = new Counter('board_updates');
export const boardDrops = new Counter('board_drops');

// Teardown's audit of every session through the API.
export const sessionsKnown = new Counter('sessions_known');
export const sessionsEnded = new Counter('sessions_ended');
export const sessionsAbandoned = new Counter('sessions_abandoned');
export const sessionsUnfinished = new Counter('sessions_unfinished');
export const sessionsLeftOver = new Counter('sessions_left_over');
export const sessionsLost = new Counter('sessions_lost');
