// Session (interaction) operations shared by REST, the agent socket and the demo: create
// (idempotent on id), read, list, accept, reject, end, wrap-up, abandon, transfer.
import { listInteractions, newId, upsertContact } from '@atende/db';
import { z } from 'zod';
import { CHANNELS, type Command, type InteractionView } from '../../core/index.js';
import type { Annotation } from '../../store/engine.js';
import { actingAgent, canRead, ownerCheck, requireRole, type Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { ANNOTATIONS, journalRows } from '../durability/journal.js';
import { ApiError, forbidden, notFound } from '../http/errors.js';
import { parse } from '../http/validation.js';
import { liveInteractionJson, storedInteractionJson, type InteractionJson } from './views.js';

const isoTime = z.iso.datetime({ offset: true });

export const createInteractionSchema = z.object({
  id: z.string().min(1).max(200).optional(),
  channel: z.enum(CHANNELS),
  groupId: z.string().min(1),
  priority: z.number().int().min(0).max(9).optional(),
  legalPriority: z.boolean().optional(),
  /** Original contact time when the session started elsewhere (IVR, bot): keeps its waiting time. */
  waitingSince: isoTime.optional(),
  minProficiency: z.number().int().min(1).max(5).optional(),
  preferredAgentId: z.string().min(1).optional(),
  /** An existing contact (a channel that identified the citizen); `contact` creates one instead. */
  contactId: z.string().min(1).max(200).optional(),
  contact: z
    .object({
      name: z.string().max(200).optional(),
      cpf: z.string().regex(/^\d{11}$/, 'CPF: 11 dígitos').optional(),
      phone: z.string().max(40).optional(),
      email: z.email().optional(),
    })
    .optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type CreateInteraction = z.infer<typeof createInteractionSchema>;

export const tabulationSchema = z.object({
  tema: z.string().max(200).optional(),
  categoria: z.string().max(200).optional(),
  outcome: z.string().max(200).optional(),
  notes: z.string().max(4000).optional(),
});
export type Tabulation = z.infer<typeof tabulationSchema>;

export const transferSchema = z
  .object({
    groupId: z.string().min(1).optional(),
    agentId: z.string().min(1).optional(),
    /** Escalate to the next level (N1 → N2 → N3). */
    nextLevel: z.literal(true).optional(),
  })
  .refine((t) => [t.groupId, t.agentId, t.nextLevel].filter((v) => v !== undefined).length === 1, {
    message: 'informe exatamente um destino: groupId, agentId ou nextLevel',
  });
export type Transfer = z.infer<typeof transferSchema>;

export const listQuerySchema = z.object({
  state: z.enum(['queued', 'offered', 'active', 'wrapup', 'ended', 'abandoned']).optional(),
  channel: z.enum(CHANNELS).optional(),
  groupId: z.string().min(1).optional(),
  agentId: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().min(1).optional(),
});

export interface Created {
  created: boolean;
  interaction: InteractionJson;
}

export class Sessions {
  /** Creates in flight by id, so a concurrent duplicate answers only once the first is durable. */
  private readonly creating = new Map<string, Promise<unknown>>();

  constructor(private readonly ctx: ServerContext) {}

  async create(principal: Principal, body: unknown): Promise<Created> {
    requireRole(principal, 'admin');
    const input = parse(createInteractionSchema, body);
    if (input.id === undefined) {
      // An id made here is new: nothing to look up, no concurrent duplicate to wait for.
      if (!this.ctx.reader.groupConfig(input.groupId)) throw notFound('group', { groupId: input.groupId });
      return this.enqueue(newId(this.ctx.clock()), input);
    }
    const id = input.id;
    const existing = await this.existing(id);
    if (existing) return { created: false, interaction: existing };
    if (!this.ctx.reader.groupConfig(input.groupId)) throw notFound('group', { groupId: input.groupId });
    const work = this.enqueue(id, input);
    this.creating.set(id, work);
    try {
      return await work;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'duplicate_interaction') {
        const again = await this.existing(id);
        if (again) return { created: false, interaction: again };
      }
      throw err;
    } finally {
      this.creating.delete(id);
    }
  }

  private async enqueue(id: string, input: CreateInteraction): Promise<Created> {
    const annotations: Annotation[] = [];
    let contactId = input.contactId;
    const contact = input.contact;
    if (contactId === undefined && contact && Object.values(contact).some((v) => v !== undefined)) {
      contactId = (await upsertContact(this.ctx.db, { ...contact })).id;
    }
    if (contactId !== undefined || input.data !== undefined) {
      annotations.push({ type: ANNOTATIONS.details, interactionId: id, payload: { contactId, data: input.data ?? {} } });
    }
    const outcome = await this.ctx.commands.run(
      {
        type: 'enqueue',
        interaction: {
          id,
          channel: input.channel,
          groupId: input.groupId,
          ...(input.priority !== undefined ? { priority: input.priority } : {}),
          ...(input.legalPriority !== undefined ? { legalPriority: input.legalPriority } : {}),
          ...(input.waitingSince !== undefined ? { waitingSince: Date.parse(input.waitingSince) } : {}),
          ...(input.minProficiency !== undefined ? { minProficiency: input.minProficiency as 1 | 2 | 3 | 4 | 5 } : {}),
          ...(input.preferredAgentId !== undefined ? { preferredAgentId: input.preferredAgentId } : {}),
        },
      },
      annotations,
    );
    if (outcome.closed) {
      const next = outcome.closed.nextOpenAt;
      throw new ApiError(409, 'group_closed', 'O grupo está fora do horário de atendimento.', {
        groupId: outcome.closed.groupId,
        nextOpenAt: next === undefined ? null : new Date(next).toISOString(),
      });
    }
    return { created: true, interaction: this.json(id)! };
  }

  /** The interaction if this id was ever created (live or finished); waits for a create in flight. */
  private async existing(id: string): Promise<InteractionJson | undefined> {
    const inFlight = this.creating.get(id);
    if (inFlight) await inFlight.catch(() => undefined);
    const live = this.json(id);
    if (live) return live;
    if (!this.ctx.projector.knows(id)) return undefined;
    const row = this.ctx.projector.recentRow(id) ?? (await this.ctx.projector.stored(id));
    return row ? storedInteractionJson(row, this.ctx.clock()) : undefined;
  }

  /** Live view merged with its projection row, or the recently finished row; no database read. */
  json(id: string): InteractionJson | undefined {
    const view = this.ctx.engine.interaction(id);
    if (view) return liveInteractionJson(view, this.ctx.projector.liveRow(id), this.ctx.clock());
    const recent = this.ctx.projector.recentRow(id);
    return recent ? storedInteractionJson(recent, this.ctx.clock()) : undefined;
  }

  async get(principal: Principal, id: string): Promise<InteractionJson> {
    const found = this.json(id) ?? (this.ctx.projector.knows(id) ? await this.storedJson(id) : undefined);
    if (!found) throw notFound('interaction', { interactionId: id });
    if (!canRead(principal) && !(principal.kind === 'user' && principal.agentId !== undefined && found.agentId === principal.agentId)) {
      throw forbidden();
    }
    return found;
  }

  private async storedJson(id: string): Promise<InteractionJson | undefined> {
    const row = await this.ctx.projector.stored(id);
    return row ? storedInteractionJson(row, this.ctx.clock()) : undefined;
  }

  async list(principal: Principal, query: z.infer<typeof listQuerySchema>) {
    let agentId = query.agentId;
    if (!canRead(principal)) agentId = actingAgent(principal, agentId);
    await this.ctx.projector.settled();
    const page = await listInteractions(this.ctx.db, { ...query, agentId });
    const now = this.ctx.clock();
    return { items: page.items.map((row) => this.json(row.id) ?? storedInteractionJson(row, now)), nextCursor: page.nextCursor };
  }

  async accept(principal: Principal, id: string, agentId?: string): Promise<InteractionJson> {
    const view = this.live(id);
    const agent = actingAgent(principal, agentId, () => view.agentId);
    await this.ctx.commands.run({ type: 'accept', interactionId: id, agentId: agent });
    return this.json(id)!;
  }

  async reject(principal: Principal, id: string, agentId?: string): Promise<InteractionJson> {
    const view = this.live(id);
    const agent = actingAgent(principal, agentId, () => view.agentId);
    await this.ctx.commands.run({ type: 'reject', interactionId: id, agentId: agent });
    return this.json(id)!;
  }

  async end(principal: Principal, id: string, tabulation?: Tabulation): Promise<InteractionJson> {
    this.live(id);
    const agentId = ownerCheck(principal);
    await this.ctx.commands.run({ type: 'end', interactionId: id, ...(agentId !== undefined ? { agentId } : {}) }, tabulated(id, tabulation));
    return this.json(id)!;
  }

  /** Finishes tabulação early; on a session whose wrap-up already ended, only records the tabulation. */
  async wrapup(principal: Principal, id: string, tabulation?: Tabulation): Promise<InteractionJson> {
    const agentId = ownerCheck(principal);
    if (this.ctx.engine.interaction(id)) {
      const command: Command = { type: 'completeWrapUp', interactionId: id, ...(agentId !== undefined ? { agentId } : {}) };
      await this.ctx.commands.run(command, tabulated(id, tabulation));
      return this.json(id)!;
    }
    const stored = this.ctx.projector.knows(id) ? await this.storedJson(id) : undefined;
    if (!stored) throw notFound('interaction', { interactionId: id });
    if (agentId !== undefined && stored.agentId !== agentId) throw new ApiError(403, 'not_your_session', 'O atendimento pertence a outro atendente.');
    if (stored.state !== 'ended' || !tabulation) {
      throw new ApiError(409, 'invalid_state', 'O atendimento não está em tabulação.', { state: stored.state });
    }
    const annotation = tabulated(id, tabulation)[0]!;
    await this.ctx.eventLog.append(journalRows([], [annotation]));
    await this.ctx.projector.annotateStored(annotation);
    return (await this.storedJson(id))!;
  }

  async abandon(principal: Principal, id: string): Promise<InteractionJson> {
    requireRole(principal, 'admin');
    this.live(id);
    await this.ctx.commands.run({ type: 'abandon', interactionId: id });
    return this.json(id)!;
  }

  async transfer(principal: Principal, id: string, body: unknown): Promise<InteractionJson> {
    const target = parse(transferSchema, body);
    const view = this.live(id);
    const byAgentId = ownerCheck(principal);
    if (byAgentId !== undefined && view.agentId !== byAgentId) throw new ApiError(403, 'not_your_session', 'O atendimento pertence a outro atendente.');
    const to: Extract<Command, { type: 'transfer' }>['to'] =
      target.agentId !== undefined
        ? { kind: 'agent', agentId: target.agentId }
        : target.groupId !== undefined
          ? { kind: 'group', groupId: target.groupId }
          : { kind: 'nextLevel' };
    await this.ctx.commands.run({ type: 'transfer', interactionId: id, to, ...(byAgentId !== undefined ? { byAgentId } : {}) });
    return this.json(id)!;
  }

  /** The router's view of a session it still holds; a finished one is a 409, an unknown one a 404. */
  private live(id: string): InteractionView {
    const view = this.ctx.engine.interaction(id);
    if (view) return view;
    if (this.ctx.projector.knows(id)) {
      const state = this.ctx.projector.recentRow(id)?.state ?? 'ended';
      throw new ApiError(409, 'invalid_state', 'O atendimento já foi encerrado.', { state });
    }
    throw notFound('interaction', { interactionId: id });
  }
}

function tabulated(id: string, tabulation: Tabulation | undefined): Annotation[] {
  return tabulation ? [{ type: ANNOTATIONS.tabulation, interactionId: id, payload: { tabulation } }] : [];
}
