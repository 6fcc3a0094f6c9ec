// pt-BR names of the domain's codes (channels, states, strategies, roles, levels).
import type { Channel, InteractionState, Presence, Role, Strategy } from '../api/types';

export const CHANNEL_LABELS: Record<Channel, string> = {
  chat: 'Chat',
  whatsapp: 'WhatsApp',
  phone: 'Telefone',
  video: 'Vídeo',
  presencial: 'Presencial',
};

export const PRESENCE_LABELS: Record<Presence, string> = {
  available: 'Disponível',
  paused: 'Em pausa',
  offline: 'Offline',
};

export const INTERACTION_STATE_LABELS: Record<InteractionState, string> = {
  queued: 'Na fila',
  offered: 'Oferecido',
  active: 'Em atendimento',
  wrapup: 'Pós-atendimento',
  ended: 'Encerrado',
  abandoned: 'Abandonado',
};

export const STRATEGY_LABELS: Record<Strategy, string> = {
  equal: 'Igualitária (menos atendimentos hoje)',
  'longest-idle': 'Maior tempo ocioso',
  'least-occupied': 'Menor ocupação',
  'round-robin': 'Rodízio',
};

export const ROLE_LABELS: Record<Role, string> = {
  agent: 'Atendente',
  supervisor: 'Supervisor',
  admin: 'Administrador',
};

export const WEEKDAY_LABELS = ['Domingo', 'Segunda', 'Terça', 'Quarta', 'Quinta', 'Sexta', 'Sábado'];

export const levelLabel = (level: number): string => `N${level}`;

export const channelLabel = (channel: string): string => CHANNEL_LABELS[channel as Channel] ?? channel;

/** The agent's shown state: "Em atendimento" when available but holding sessions. */
export function agentStateLabel(agent: { presence: Presence; sessions?: string[]; reason?: string }): string {
  if (agent.presence === 'paused') return agent.reason ? `Em pausa — ${agent.reason}` : 'Em pausa';
  if (agent.presence === 'available' && (agent.sessions?.length ?? 0) > 0) return 'Em atendimento';
  return PRESENCE_LABELS[agent.presence];
}

export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toLocaleString('pt-BR', { minimumFractionDigits: 0, maximumFractionDigits: 1 })}%`;
}
