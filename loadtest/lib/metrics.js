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
/** Agents' messages sent again after a transport failure with no answer (see scenarios/agents.js). */
export const agentMessageRetries = new Counter('agent_message_retries');
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

// Citizens over the real channels (scenarios/webchat.js, scenarios/whatsapp.js). Sessions they
// see queued also count in sessions_created, so teardown's "none lost" covers them.
/** Citizens that arrived, that got a session (the queue's message), that got their agent's message, whose flow failed. */
export const webchatCitizens = new Counter('webchat_citizens');
export const webchatSessions = new Counter('webchat_sessions');
export const webchatServed = new Counter('webchat_served');
export const webchatFailed = new Counter('webchat_failed');
/** Citizen's message (theme, question) sent → the bot's answer on the socket. */
export const webchatBotReply = new Trend('webchat_bot_reply', true);
/** "falar com atendente" sent → the queue's message; → the agent's first message. */
export const webchatHandoffQueued = new Trend('webchat_handoff_queued', true);
export const webchatHandoffToAgent = new Trend('webchat_handoff_to_agent', true);

export const whatsappCitizens = new Counter('whatsapp_citizens');
export const whatsappSessions = new Counter('whatsapp_sessions');
export const whatsappServed = new Counter('whatsapp_served');
export const whatsappFailed = new Counter('whatsapp_failed');
/** Webhook POST sent → the bot's answer reaching the Graph API sink (the sink's clock: same machine). */
export const whatsappBotReply = new Trend('whatsapp_bot_reply', true);
export const whatsappHandoffQueued = new Trend('whatsapp_handoff_queued', true);
export const whatsappHandoffToAgent = new Trend('whatsapp_handoff_to_agent', true);

/** Channel sessions (no data.t0): the session's createdAt (server clock, same machine) → offer received. */
export const channelOfferLatency = new Trend('channel_offer_latency', true);
/** Agent's message on a channel session: POST /api/interactions/:id/messages → 201. */
export const agentMessageRtt = new Trend('agent_message_rtt', true);
export const agentMessages = new Counter('agent_messages');
