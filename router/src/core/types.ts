// Shared domain types of the routing core: configuration, commands, events and results.
// Everything here is plain data so it can cross process, database and Redis boundaries.

export const CHANNELS = ['chat', 'whatsapp', 'phone', 'video', 'presencial'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_INDEX: Readonly<Record<Channel, number>> = {
  chat: 0,
  whatsapp: 1,
  phone: 2,
  video: 3,
  presencial: 4,
};

export const STRATEGIES = ['equal', 'longest-idle', 'least-occupied', 'round-robin'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export type Level = 1 | 2 | 3;
export type Proficiency = 1 | 2 | 3 | 4 | 5;
export type Presence = 'available' | 'paused' | 'offline';
export type InteractionState = 'queued' | 'offered' | 'active' | 'wrapup' | 'ended' | 'abandoned';

/** One opening interval of a weekday, local wall time "HH:MM" (close is exclusive). */
export interface OpeningInterval {
  weekday: 0 | 1 | 2 | 3 | 4 | 5 | 6; // 0 = Sunday
  open: string;
  close: string;
}

export interface BusinessHours {
  timeZone: string; // IANA, e.g. America/Sao_Paulo
  weekly: OpeningInterval[];
  holidays: string[]; // local dates YYYY-MM-DD with no service
}

export interface GroupConfig {
  id: string;
  name: string;
  tema: string;
  categoria: string;
  level: Level;
  slaSeconds: number;
  strategy: StrategyName;
  overflow?: { afterSeconds: number; groupId: string };
  /** Absent: always open. */
  hours?: BusinessHours;
  /** Wrap-up (tabulação) time held after each session of this group. */
  wrapUpSeconds: number;
  /** Bullseye: every ringSeconds of waiting, the required proficiency drops by one (down to 1). */
  bullseye?: { ringSeconds: number };
  /** Explicit next level for escalation; otherwise the group with the same tema/categoria one level up. */
  escalationGroupId?: string;
}

export type Capacity = Partial<Record<Channel, number>>;

export interface AgentConfig {
  id: string;
  name: string;
  groups: { groupId: string; proficiency: Proficiency }[];
  capacity: Capacity;
  /** A phone or video session in hand excludes new chat/WhatsApp offers. */
  voiceExcludesChat?: boolean;
}

export interface EnqueueSpec {
  id: string;
  channel: Channel;
  groupId: string;
  priority?: number; // 0..9, higher is more urgent
  legalPriority?: boolean; // prioritária: elderly, pregnant, disabled (Lei 10.048)
  /** Original contact time; defaults to now. Kept across requeues and transfers. */
  waitingSince?: number;
  minProficiency?: Proficiency;
  preferredAgentId?: string;
}

export interface RouterOptions {
  offerTimeoutSeconds: number;
  maxConsecutiveMisses: number;
  autoPauseReason: string;
  /** A session is kept away from the agent who missed it for this long. */
  missCooldownSeconds: number;
  /** How long a session targeted at one agent (preferred or transferred) waits for them alone. */
  targetWaitSeconds: number;
  /** Each priority step is worth this much waiting time (aging). */
  priorityStepSeconds: number;
  /** Legal priority is worth this much waiting time; above 9 priority steps so it comes first. */
  legalPriorityBonusSeconds: number;
  /** Time zone of "today" for the equal strategy's daily counts. */
  timeZone: string;
}

export const DEFAULT_OPTIONS: RouterOptions = {
  offerTimeoutSeconds: 20,
  maxConsecutiveMisses: 3,
  autoPauseReason: 'Ofertas não atendidas',
  missCooldownSeconds: 30,
  targetWaitSeconds: 60,
  priorityStepSeconds: 60,
  legalPriorityBonusSeconds: 900,
  timeZone: 'America/Sao_Paulo',
};

// ---------------------------------------------------------------- commands

export type Command =
  | { type: 'configureGroup'; group: GroupConfig }
  | { type: 'configureAgent'; agent: AgentConfig }
  | { type: 'setAgentState'; agentId: string; state: Presence; reason?: string }
  | { type: 'enqueue'; interaction: EnqueueSpec }
  | { type: 'accept'; interactionId: string; agentId: string }
  | { type: 'reject'; interactionId: string; agentId: string }
  | { type: 'end'; interactionId: string; agentId?: string }
  | { type: 'completeWrapUp'; interactionId: string; agentId?: string }
  | { type: 'abandon'; interactionId: string }
  | {
      type: 'transfer';
      interactionId: string;
      to: { kind: 'agent'; agentId: string } | { kind: 'group'; groupId: string } | { kind: 'nextLevel' };
      byAgentId?: string;
    }
  | { type: 'tick' };

export type CommandType = Command['type'];

// ---------------------------------------------------------------- events

/** The data an interaction enters the router with; enough to rebuild it on replay. */
export interface QueuedInteraction {
  id: string;
  channel: Channel;
  groupId: string;
  priority: number;
  legalPriority: boolean;
  waitingSince: number;
  minProficiency: Proficiency;
  targetAgentId?: string;
  targetUntil?: number;
}

interface EventBase {
  at: number;
}

export type RoutingEvent = EventBase &
  (
    | { type: 'group.configured'; group: GroupConfig }
    | { type: 'agent.configured'; agent: AgentConfig }
    | { type: 'agent.state_changed'; agentId: string; state: Presence; reason?: string }
    | { type: 'agent.auto_paused'; agentId: string; reason: string; misses: number }
    | { type: 'interaction.queued'; interaction: QueuedInteraction }
    | { type: 'interaction.offered'; interactionId: string; agentId: string; groupId: string; expiresAt: number }
    | { type: 'interaction.accepted'; interactionId: string; agentId: string }
    | { type: 'interaction.rejected'; interactionId: string; agentId: string }
    | { type: 'interaction.expired'; interactionId: string; agentId: string }
    | { type: 'interaction.revoked'; interactionId: string; agentId: string; reason: 'agent_paused' | 'agent_offline' }
    | { type: 'interaction.ended'; interactionId: string; agentId: string; wrapUpUntil?: number }
    | { type: 'interaction.wrapped_up'; interactionId: string; agentId: string }
    | { type: 'interaction.abandoned'; interactionId: string }
    | {
        type: 'interaction.transferred';
        interactionId: string;
        fromAgentId?: string;
        fromGroupId: string;
        toGroupId: string;
        toAgentId?: string;
        targetUntil?: number;
      }
    | { type: 'interaction.overflowed'; interactionId: string; toGroupId: string }
    | { type: 'interaction.widened'; interactionId: string; minProficiency: Proficiency; untargeted: boolean }
    /** The agent who missed a still-waiting session may be offered it again. */
    | { type: 'interaction.cooldown_ended'; interactionId: string; agentId: string }
  );

export type RoutingEventType = RoutingEvent['type'];
export type EventOf<T extends RoutingEventType> = Extract<RoutingEvent, { type: T }>;

// ---------------------------------------------------------------- results

export type ErrorCode =
  | 'invalid_command'
  | 'unknown_group'
  | 'unknown_agent'
  | 'unknown_interaction'
  | 'duplicate_interaction'
  | 'no_offer'
  | 'offer_expired'
  | 'not_your_session'
  | 'invalid_state'
  | 'capacity_below_load'
  | 'group_closed'
  | 'agent_unavailable'
  | 'no_next_level'
  | 'group_in_use';

export interface RoutingErrorInfo {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type Outcome =
  | {
      ok: true;
      events: RoutingEvent[];
      /** Earliest moment the shell must call tick(), if any. */
      nextDeadline: number | undefined;
      /** enqueue outside business hours: nothing was queued; tell the citizen when it opens. */
      closed?: { groupId: string; nextOpenAt: number | undefined };
    }
  | { ok: false; error: RoutingErrorInfo; events: []; nextDeadline: number | undefined };
