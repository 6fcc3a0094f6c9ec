// The scenario's agency and its traffic: 3 groups, 16 agents with overlapping skills, varied
// proficiencies and chat/phone capacities, and a fixed plan of 400 sessions across chat and phone.
import type { ApiClient } from './http.js';

export interface GroupSpec {
  id: string;
  name: string;
  tema: string;
  categoria: string;
  /** Sessions of the plan that go to this group. */
  sessions: number;
}

export interface AgentSpec {
  id: string;
  name: string;
  groups: { groupId: string; proficiency: 1 | 2 | 3 | 4 | 5 }[];
  capacity: { chat: number; phone: number };
  /** Mean think time before answering an offer: agents differ in how fast they react. */
  thinkMs: number;
}

export type ScenarioChannel = 'chat' | 'phone';

export interface PlannedSession {
  id: string;
  groupId: string;
  channel: ScenarioChannel;
}

// Each group's traffic is the sum over its members of 1/(number of groups of the member), times
// 25: then an allocation giving every agent exactly 25 sessions exists (ipva 6, itcd 5.5,
// restituicao 4.5 agent-shares of 16), so the equal strategy can keep all agents level.
export const GROUPS: readonly GroupSpec[] = [
  { id: 'ipva', name: 'IPVA — Pagamento', tema: 'IPVA', categoria: 'Pagamento', sessions: 150 },
  { id: 'itcd', name: 'ITCD — Protocolo de Processos', tema: 'ITCD', categoria: 'Protocolo de Processos', sessions: 138 },
  {
    id: 'restituicao',
    name: 'Pagamentos e Restituição — Contestação de Débito',
    tema: 'Pagamentos e Restituição',
    categoria: 'Contestação de Débito',
    sessions: 112,
  },
];

const agent = (id: string, name: string, groups: [string, 1 | 2 | 3 | 4 | 5][], chat: number, thinkMs: number): AgentSpec => ({
  id,
  name,
  groups: groups.map(([groupId, proficiency]) => ({ groupId, proficiency })),
  capacity: { chat, phone: 1 },
  thinkMs,
});

export const AGENTS: readonly AgentSpec[] = [
  agent('ana', 'Ana Souza', [['ipva', 5]], 3, 30),
  agent('bruno', 'Bruno Lima', [['ipva', 3]], 2, 120),
  agent('carla', 'Carla Menezes', [['ipva', 1]], 3, 200),
  agent('davi', 'Davi Rocha', [['itcd', 4]], 2, 60),
  agent('elisa', 'Elisa Prado', [['itcd', 2]], 3, 160),
  agent('fabio', 'Fábio Nunes', [['itcd', 5]], 2, 40),
  agent('gabriela', 'Gabriela Teles', [['restituicao', 3]], 3, 90),
  agent('heitor', 'Heitor Campos', [['restituicao', 1]], 2, 220),
  agent('iara', 'Iara Gomes', [['ipva', 4], ['itcd', 2]], 2, 70),
  agent('joao', 'João Batista', [['ipva', 2], ['itcd', 5]], 3, 180),
  agent('karen', 'Karen Dias', [['ipva', 3], ['restituicao', 4]], 2, 50),
  agent('lucas', 'Lucas Farias', [['ipva', 5], ['restituicao', 2]], 3, 140),
  agent('marina', 'Marina Alves', [['itcd', 3], ['restituicao', 5]], 2, 100),
  agent('nuno', 'Nuno Barros', [['ipva', 1], ['itcd', 4], ['restituicao', 3]], 3, 250),
  agent('olga', 'Olga Ribeiro', [['ipva', 4], ['itcd', 1], ['restituicao', 5]], 2, 20),
  agent('paulo', 'Paulo Castro', [['ipva', 2], ['itcd', 3], ['restituicao', 1]], 3, 110),
];

export const SESSION_COUNT = GROUPS.reduce((sum, g) => sum + g.sessions, 0);

/** Share of each group's sessions that are phone calls; the rest are chats. */
const PHONE_SHARE = 0.3;

/** Small seeded PRNG (mulberry32), so a failing run can be replayed with its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Exactly each group's count of sessions, 30% of them phone, in a seeded shuffled order. */
export function planSessions(seed: number): PlannedSession[] {
  const next = random(seed);
  const plan: Omit<PlannedSession, 'id'>[] = [];
  for (const g of GROUPS) {
    const phones = Math.round(g.sessions * PHONE_SHARE);
    for (let i = 0; i < g.sessions; i++) plan.push({ groupId: g.id, channel: i < phones ? 'phone' : 'chat' });
  }
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  return plan.map((p, i) => ({ id: `sessao-${String(i + 1).padStart(3, '0')}`, ...p }));
}

export const membersOf = (groupId: string): AgentSpec[] => AGENTS.filter((a) => a.groups.some((g) => g.groupId === groupId));

/** Configures the groups (equal strategy, no wrap-up) and the agents over the admin API. */
export async function configureAgency(api: ApiClient): Promise<void> {
  for (const g of GROUPS) {
    await api.expect('PUT', `/api/groups/${g.id}`, 200, {
      name: g.name,
      tema: g.tema,
      categoria: g.categoria,
      level: 1,
      slaSeconds: 60,
      strategy: 'equal',
      wrapUpSeconds: 0,
    });
  }
  for (const a of AGENTS) {
    await api.expect('PUT', `/api/agents/${a.id}`, 200, { name: a.name, groups: a.groups, capacity: a.capacity });
  }
}
