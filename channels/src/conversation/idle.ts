// Inactivity (seed: a conversation idle for more than 20 minutes is closed): a warning first, then
// the close; a session with an agent is ended (the agent goes to wrap-up). Threads waiting in the
// queue or for the opening are not idle: the wait is ours, not the citizen's.
import { getConversation, type Conversation } from '@atende/db';
import type { ConversationHub } from './hub.js';
import { texts } from './texts.js';

export async function sweepIdle(hub: ConversationHub): Promise<void> {
  const now = hub.now();
  const candidates = await hub.threadsIdleSince(new Date(now - hub.idleWarnMs));
  for (const candidate of candidates) {
    void hub.run(candidate.id, async () => {
      const thread = await getConversation(hub.services.db, candidate.id);
      if (!thread || (thread.state !== 'bot' && thread.state !== 'active')) return;
      const idle = hub.now() - thread.lastActivityAt.getTime();
      if (idle >= hub.idleCloseMs) await close(hub, thread);
      else if (idle >= hub.idleWarnMs && !thread.warnedAt) await warn(hub, thread);
    });
  }
}

async function warn(hub: ConversationHub, thread: Conversation): Promise<void> {
  const updated = await hub.update(thread, { warnedAt: new Date(hub.now()) });
  const minutesLeft = Math.max(1, Math.round((hub.idleCloseMs - hub.idleWarnMs) / 60_000));
  await hub.send(updated, 'system', { type: 'text', text: texts.idleWarning(minutesLeft) });
}

async function close(hub: ConversationHub, thread: Conversation): Promise<void> {
  const interactionId = thread.interactionId;
  // Forget the session first: its `ended` event must not say goodbye a second time.
  if (interactionId) hub.interactions.delete(interactionId);
  await hub.send(thread, 'system', { type: 'text', text: texts.idleClosed });
  const closed = await hub.update(thread, { state: 'closed', interactionId: null, agentId: null, groupId: null, data: {}, warnedAt: null });
  if (interactionId) {
    const services = hub.services;
    const live = services.sessions.json(interactionId);
    try {
      if (live?.state === 'active') await services.sessions.end(services.system, interactionId);
      else if (live?.state === 'queued' || live?.state === 'offered') await services.sessions.abandon(services.system, interactionId);
    } catch (err) {
      services.log.warn({ err, interactionId }, 'could not finish the idle session');
    }
  }
  hub.transport(closed.channel).closed?.(closed, 'inactivity');
}
