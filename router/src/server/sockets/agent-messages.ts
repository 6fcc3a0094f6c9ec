// The agent socket's client messages, one schema each: commands on the agent's own offers and
// sessions, and its presence. Every message may carry a requestId echoed in the ack or error.
import { z } from 'zod';
import { tabulationSchema } from '../routing/sessions.js';

const requestId = z.union([z.string().max(200), z.number()]).optional();
const interactionId = z.string().min(1).max(200);

export const acceptMessage = z.object({ type: z.literal('accept'), interactionId, requestId });
export const rejectMessage = z.object({ type: z.literal('reject'), interactionId, requestId });
export const endMessage = z.object({ type: z.literal('end'), interactionId, tabulation: tabulationSchema.optional(), requestId });
export const wrapupMessage = z.object({ type: z.literal('wrapup'), interactionId, tabulation: tabulationSchema.optional(), requestId });
export const stateMessage = z.object({
  type: z.literal('state'),
  state: z.enum(['available', 'paused', 'offline']),
  reason: z.string().min(1).max(200).optional(),
  requestId,
});

export const agentClientMessage = z.discriminatedUnion('type', [acceptMessage, rejectMessage, endMessage, wrapupMessage, stateMessage]);
export type AgentClientMessage = z.infer<typeof agentClientMessage>;

/** The requestId of a message that failed validation, when one can be read, so the error still correlates. */
export function looseRequestId(value: unknown): string | number | null {
  if (value && typeof value === 'object' && 'requestId' in value) {
    const id = (value as { requestId: unknown }).requestId;
    if (typeof id === 'string' || typeof id === 'number') return id;
  }
  return null;
}
