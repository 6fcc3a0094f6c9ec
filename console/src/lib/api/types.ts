// The server's JSON as the console reads it (see shared/API.md): sessions, agents, queues, groups
// and the configuration the admin edits. Optional fields are those the server may omit.

export const CHANNELS = ['chat', 'whatsapp', 'phone', 'video', 'presencial'] as const;
export type Channel = (typeof CHANNELS)[number];

export const STRATEGIES = ['equal', 'longest-idle', 'least-occupied', 'round-robin'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type Presence = 'available' | 'paused' | 'offline';
export type InteractionState = 'queued' | 'offered' | 'active' | 'wrapup' | 'ended' | 'abandoned';

export interface Contact {
  name?: string;
  cpf?: string;
  phone?: string;
  email?: string;
}

export interface Tabulation {
  tema?: string;
  categoria?: string;
  outcome?: string;
  notes?: string;
}

export interface Interaction {
  id: string;
  channel: Channel;
  groupId: string;
  state: InteractionState;
  agentId?: string;
  priority: number;
  legalPriority?: boolean;
  createdAt: string;
  waitingSince?: string;
  queuedAt?: string;
  offeredAt?: string;
  offerExpiresAt?: string;
  acceptedAt?: string;
  endedAt?: string;
  wrapUpUntil?: string;
  waitSeconds: number;
  contactId?: string;
  /** Not every server version sends the contact itself; channels may put it in `data.contact`. */
  contact?: Contact;
  data?: Record<string, unknown>;
  tabulation?: Tabulation;
}

export interface Offer {
  interaction: Interaction;
  expiresAt: string;
}

export interface AgentMembership {
  groupId: string;
  proficiency: number;
  sessionsToday?: number;
}

export interface Agent {
  id: string;
  name: string;
  presence: Presence;
  reason?: string;
  presenceSince: string;
  load: Partial<Record<Channel, number>>;
  capacity: Partial<Record<Channel, number>>;
  sessionsToday: number;
  idleSince?: string;
  misses?: number;
  offers: string[];
  sessions: string[];
  groups: AgentMembership[];
  unitId?: string | null;
  voiceExcludesChat?: boolean;
}

export interface QueueRow {
  groupId: string;
  channel: Channel;
  waiting: number;
  longestWaitSeconds: number;
  /** Today's SLA % (answered within target over answered + abandoned); null before any. */
  slaPercent: number | null;
  /** Sent by servers that keep a 30-minute window; computed client-side otherwise. */
  slaPercent30m?: number | null;
  answered?: number;
  answeredWithinSla?: number;
  abandoned: number;
  handled: number;
  averageWaitSeconds?: number | null;
  averageHandleSeconds?: number | null;
  agents: { available: number; busy: number; paused: number; offline: number };
}

export interface BusinessHoursInterval {
  weekday: number;
  open: string;
  close: string;
}

export interface Group {
  id: string;
  name: string;
  tema: string;
  categoria: string;
  level: 1 | 2 | 3;
  slaSeconds: number;
  strategy: Strategy;
  wrapUpSeconds?: number;
  overflow?: { afterSeconds: number; groupId: string };
  hoursId?: string;
  unitId?: string;
  escalationGroupId?: string;
  queues?: QueueRow[];
}

export interface BusinessHours {
  id: string;
  name: string;
  timeZone: string;
  weekly: BusinessHoursInterval[];
  holidays: { date: string; name: string }[];
}

export interface Unit {
  id: string;
  name: string;
  timeZone: string;
}

export interface PauseReason {
  id: string;
  label: string;
}

export interface User {
  id: string;
  username: string;
  role: Role;
  agentId?: string;
  createdAt?: string;
}

export interface Fairness {
  groupId: string;
  sessionsPerAgent: Record<string, number>;
  max: number;
  min: number;
  spread: number;
  gini: number;
}

export interface Me {
  kind: 'user' | 'admin-token';
  role: Role;
  id?: string;
  username?: string;
  agentId?: string;
}
