// Bot → human (transbordo): enqueue the thread's session in its group with the bot transcript, or,
// outside business hours, say when service opens and keep a left message until then. Follows the
// router's events about those sessions (agent joined, transferred, ended) and tells the citizen.
import { attachTranscript, detachTranscript, getContact, getConversation, listConversations, newId, type Conversation, type Database } from '@atende/db';
import type { GroupConfig, RoutingEvent } from '@atende/router';
import { ApiError } from '@atende/router/server';
import { availability, describeOpening } from './hours.js';
import type { ConversationHub } from './hub.js';
import { maskPhone } from './views.js';
import { OPTION, texts } from './texts.js';

/** The session events a thread acts on (onEvent); the others (queued, offered, …) cost it nothing. */
const THREAD_EVENTS: ReadonlySet<RoutingEvent['type']> = new Set(['interaction.accepted', 'interaction.transferred', 'interaction.ended', 'interaction.abandoned']);

interface HandoffMemory {
  pendingNoted?: boolean;
}

export class Handoff {
  constructor(private readonly hub: ConversationHub) {}

  /** "Falar com atendente": enqueue now, or explain the hours and offer to leave a message. */
  async request(thread: Conversation): Promise<void> {
    const group = this.hub.group(thread.groupId);
    if (!group) {
      await this.hub.send(thread, 'bot', { type: 'text', text: texts.chooseFirst });
      return this.hub.bot.menu(thread);
    }
    const now = this.hub.now();
    const open = availability(group, now);
    if (!open.open) return this.offerLeavingMessage(thread, group, open.nextOpenAt, open.schedule);
    await this.enqueue(thread, group, new Date(now));
  }

  async leaveMessage(thread: Conversation): Promise<void> {
    const group = this.hub.group(thread.groupId);
    if (!group) return this.request(thread);
    const open = availability(group, this.hub.now());
    if (open.open) {
      await this.enqueue(thread, group, new Date(this.hub.now()));
      return;
    }
    const updated = await this.hub.update(thread, { state: 'pending', waitingSince: new Date(this.hub.now()), data: {} });
    await this.hub.send(updated, 'bot', { type: 'text', text: texts.leaveMessagePrompt(this.opening(group, open.nextOpenAt)) });
  }

  /** A message written while waiting for the opening: acknowledged once. */
  async notePending(thread: Conversation): Promise<void> {
    const memory = thread.data as HandoffMemory;
    if (memory.pendingNoted) return;
    const updated = await this.hub.update(thread, { data: { ...memory, pendingNoted: true } });
    await this.hub.send(updated, 'bot', { type: 'text', text: texts.pendingNoted });
  }

  private async offerLeavingMessage(thread: Conversation, group: GroupConfig, nextOpenAt: number | undefined, schedule: string): Promise<void> {
    await this.hub.send(thread, 'bot', {
      type: 'buttons',
      text: texts.closedHours(schedule, this.opening(group, nextOpenAt)).slice(0, 1024),
      buttons: [
        { id: OPTION.leaveMessage, title: texts.leaveMessageButton },
        { id: OPTION.menu, title: texts.buttonMenu },
      ],
    });
  }

  private opening(group: GroupConfig, at: number | undefined): string | undefined {
    return at === undefined ? undefined : describeOpening(at, group.hours?.timeZone ?? 'America/Sao_Paulo');
  }

  /** Creates the routing session (channel chat or whatsapp) and hands it the transcript so far. */
  private async enqueue(thread: Conversation, group: GroupConfig, waitingSince: Date, announcement = texts.queued(group.name)): Promise<boolean> {
    const services = this.hub.services;
    const interactionId = newId(this.hub.now());
    // Known before the router decides: its first events (offered) may fire while create runs.
    this.hub.interactions.set(interactionId, thread.id);
    const queued = await this.hub.update(thread, { state: 'queued', interactionId, agentId: null, waitingSince, data: {} });
    await attachTranscript(services.db, thread.id, interactionId);
    try {
      await services.sessions.create(services.system, {
        id: interactionId,
        channel: thread.channel === 'chat' ? 'chat' : 'whatsapp',
        groupId: group.id,
        waitingSince: waitingSince.toISOString(),
        ...(thread.contactId ? { contactId: thread.contactId } : {}),
        data: await citizenData(services.db, thread),
      });
    } catch (err) {
      this.hub.interactions.delete(interactionId);
      await detachTranscript(services.db, interactionId);
      const back = await this.hub.update(queued, { state: thread.state === 'pending' ? 'pending' : 'bot', interactionId: null });
      if (err instanceof ApiError && err.code === 'group_closed') {
        const next = typeof err.details?.nextOpenAt === 'string' ? Date.parse(err.details.nextOpenAt) : undefined;
        if (back.state !== 'pending') await this.offerLeavingMessage(back, group, next, availabilitySchedule(group, this.hub.now()));
        return false;
      }
      services.log.error({ err, conversationId: thread.id }, 'handoff failed');
      await this.hub.send(back, 'bot', { type: 'text', text: texts.handoffFailed });
      return false;
    }
    // The console marks where the bot transcript ends and the human service begins with this message.
    await this.hub.send(queued, 'system', { type: 'text', text: announcement }, { marks: { handoff: true } });
    return true;
  }

  /** Left messages whose group has opened become sessions, keeping the time they were left. */
  async openPending(): Promise<void> {
    const pending = await listConversations(this.hub.services.db, { states: ['pending'] });
    for (const candidate of pending) {
      const group = this.hub.group(candidate.groupId);
      if (!group || !availability(group, this.hub.now()).open) continue;
      void this.hub.run(candidate.id, async () => {
        const thread = await getConversation(this.hub.services.db, candidate.id);
        if (!thread || thread.state !== 'pending') return;
        await this.enqueue(thread, group, thread.waitingSince ?? new Date(this.hub.now()), texts.pendingOpened);
      });
    }
  }

  /** After a restart: relearn the threads' sessions; those the router finished meanwhile are closed. */
  async recover(): Promise<void> {
    const threads = await listConversations(this.hub.services.db, { states: ['queued', 'active'], hasInteraction: true, limit: 100_000 });
    for (const thread of threads) {
      const live = this.hub.services.sessions.json(thread.interactionId!);
      if (live && live.state !== 'ended' && live.state !== 'abandoned' && live.state !== 'wrapup') {
        this.hub.interactions.set(thread.interactionId!, thread.id);
        if (live.state === 'active' && live.agentId && thread.agentId !== live.agentId) await this.hub.update(thread, { state: 'active', agentId: live.agentId });
      } else {
        await this.hub.update(thread, { state: 'closed', interactionId: null, agentId: null, groupId: null, data: {} });
      }
    }
  }

  /** Router events (synchronous listener): each one about a thread's session that the citizen hears of runs on that thread's queue. */
  onEvents(events: readonly RoutingEvent[]): void {
    for (const event of events) {
      if (!THREAD_EVENTS.has(event.type) || !('interactionId' in event)) continue;
      const conversationId = this.hub.interactions.get(event.interactionId);
      if (!conversationId) continue;
      if (event.type === 'interaction.ended' || event.type === 'interaction.abandoned') this.hub.interactions.delete(event.interactionId);
      void this.hub.run(conversationId, () => this.onEvent(event, conversationId));
    }
  }

  private async onEvent(event: RoutingEvent, conversationId: string): Promise<void> {
    const thread = await getConversation(this.hub.services.db, conversationId);
    if (!thread || !('interactionId' in event) || thread.interactionId !== event.interactionId) return;
    switch (event.type) {
      case 'interaction.accepted': {
        const updated = await this.hub.update(thread, { state: 'active', agentId: event.agentId, lastActivityAt: new Date(this.hub.now()), warnedAt: null });
        await this.hub.send(updated, 'system', { type: 'text', text: texts.agentJoined(this.hub.services.agentName(event.agentId)) });
        break;
      }
      case 'interaction.transferred': {
        const updated = await this.hub.update(thread, { state: 'queued', agentId: null, groupId: event.toGroupId });
        await this.hub.send(updated, 'system', { type: 'text', text: texts.transferred });
        break;
      }
      case 'interaction.ended':
      case 'interaction.abandoned': {
        await this.hub.send(thread, 'system', { type: 'text', text: texts.ended(this.hub.agencyName) });
        const closed = await this.hub.update(thread, { state: 'closed', interactionId: null, agentId: null, groupId: null, data: {} });
        this.hub.transport(closed.channel).closed?.(closed, 'ended');
        break;
      }
      default:
        break;
    }
  }
}

/**
 * What the agent sees of the citizen on the session: the name, the contact the webchat citizen gave
 * (name, e-mail, CPF) for the console's contact panel and, on WhatsApp, only the masked number.
 */
async function citizenData(db: Database, thread: Conversation): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = { conversationId: thread.id, citizenName: thread.displayName ?? undefined };
  const contact: Record<string, string> = {};
  if (thread.displayName) contact.name = thread.displayName;
  if (thread.channel === 'whatsapp') {
    data.phone = contact.phone = maskPhone(thread.citizenKey);
  } else if (thread.contactId) {
    const known = await getContact(db, thread.contactId);
    if (known?.email) contact.email = known.email;
    if (known?.cpf) contact.cpf = known.cpf;
  }
  if (Object.keys(contact).length > 0) data.contact = contact;
  return data;
}

function availabilitySchedule(group: GroupConfig, now: number): string {
  const state = availability(group, now);
  return state.open ? '' : state.schedule;
}
