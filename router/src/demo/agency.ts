// The demo agency, from the seeds (MISSION.md): a state tax office with groups built from the
// knowledge base's tema/categoria on levels N1–N3, two units, and agents across every channel.
import type { Channel } from '../core/index.js';

export interface DemoGroup {
  id: string;
  name: string;
  tema: string;
  categoria: string;
  level: 1 | 2 | 3;
  slaSeconds: number;
  strategy: 'equal' | 'longest-idle' | 'least-occupied' | 'round-robin';
  wrapUpSeconds: number;
  overflow?: { afterSeconds: number; groupId: string };
  unitId?: string;
}

export interface DemoAgent {
  id: string;
  name: string;
  unitId: string;
  capacity: Partial<Record<Channel, number>>;
  voiceExcludesChat?: boolean;
  skills: Record<string, 1 | 2 | 3 | 4 | 5>;
}

export const UNITS = [
  { id: 'unidade-centro', name: 'Agência Centro (Capital)' },
  { id: 'unidade-norte', name: 'Agência Regional Norte' },
];

export const PAUSE_REASONS = [
  { id: 'cafe', label: 'Café' },
  { id: 'almoco', label: 'Almoço' },
  { id: 'treinamento', label: 'Treinamento' },
  { id: 'reuniao', label: 'Reunião de equipe' },
  { id: 'pessoal', label: 'Pausa pessoal' },
];

/** Mon–Fri 08:00–18:00 with national holidays; created for the admin screens, not bound to a demo group so the demo moves at any hour. */
export const BUSINESS_HOURS = {
  id: 'expediente-padrao',
  name: 'Expediente padrão (seg–sex, 8h–18h)',
  timeZone: 'America/Sao_Paulo',
  weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:00', close: '18:00' })),
  holidays: [
    { date: '2026-01-01', name: 'Confraternização Universal' },
    { date: '2026-04-21', name: 'Tiradentes' },
    { date: '2026-05-01', name: 'Dia do Trabalho' },
    { date: '2026-09-07', name: 'Independência do Brasil' },
    { date: '2026-10-12', name: 'Nossa Senhora Aparecida' },
    { date: '2026-11-02', name: 'Finados' },
    { date: '2026-11-15', name: 'Proclamação da República' },
    { date: '2026-12-25', name: 'Natal' },
  ],
};

// Order matters: a group's overflow target is configured before it.
export const GROUPS: DemoGroup[] = [
  { id: 'geral-n1', name: 'Atendimento Geral — Informações', tema: 'Atendimento Geral', categoria: 'Informações', level: 1, slaSeconds: 60, strategy: 'equal', wrapUpSeconds: 5 },
  { id: 'ipva-pagamento-n1', name: 'IPVA — Pagamento', tema: 'IPVA', categoria: 'Pagamento', level: 1, slaSeconds: 60, strategy: 'equal', wrapUpSeconds: 5, overflow: { afterSeconds: 90, groupId: 'geral-n1' } },
  { id: 'ipva-pagamento-n2', name: 'IPVA — Pagamento (N2)', tema: 'IPVA', categoria: 'Pagamento', level: 2, slaSeconds: 180, strategy: 'longest-idle', wrapUpSeconds: 8 },
  { id: 'itcd-protocolo-n1', name: 'ITCD — Protocolo de Processos', tema: 'ITCD', categoria: 'Protocolo de Processos', level: 1, slaSeconds: 120, strategy: 'equal', wrapUpSeconds: 5 },
  { id: 'itcd-protocolo-n2', name: 'ITCD — Protocolo de Processos (N2)', tema: 'ITCD', categoria: 'Protocolo de Processos', level: 2, slaSeconds: 300, strategy: 'equal', wrapUpSeconds: 8 },
  { id: 'restituicao-contestacao-n1', name: 'Pagamentos e Restituição — Contestação de Débito', tema: 'Pagamentos e Restituição', categoria: 'Contestação de Débito', level: 1, slaSeconds: 90, strategy: 'equal', wrapUpSeconds: 5 },
  { id: 'restituicao-contestacao-n2', name: 'Pagamentos e Restituição — Contestação de Débito (N2)', tema: 'Pagamentos e Restituição', categoria: 'Contestação de Débito', level: 2, slaSeconds: 300, strategy: 'equal', wrapUpSeconds: 8 },
  { id: 'restituicao-contestacao-n3', name: 'Pagamentos e Restituição — Contestação de Débito (N3)', tema: 'Pagamentos e Restituição', categoria: 'Contestação de Débito', level: 3, slaSeconds: 600, strategy: 'least-occupied', wrapUpSeconds: 10, unitId: 'unidade-norte' },
];

const chat = { chat: 3, whatsapp: 3 };
const N1_ALL = { 'geral-n1': 3, 'ipva-pagamento-n1': 3, 'itcd-protocolo-n1': 3, 'restituicao-contestacao-n1': 3 } as const;

export const AGENTS: DemoAgent[] = [
  { id: 'ag-ana', name: 'Ana Beatriz Souza', unitId: 'unidade-centro', capacity: chat, skills: { ...N1_ALL, 'geral-n1': 4, 'ipva-pagamento-n1': 4 } },
  { id: 'ag-bruno', name: 'Bruno Henrique Lima', unitId: 'unidade-centro', capacity: chat, skills: { 'ipva-pagamento-n1': 5, 'geral-n1': 3, 'restituicao-contestacao-n1': 2 } },
  { id: 'ag-carla', name: 'Carla Menezes', unitId: 'unidade-centro', capacity: chat, skills: { 'itcd-protocolo-n1': 4, 'geral-n1': 3, 'restituicao-contestacao-n1': 3 } },
  { id: 'ag-diego', name: 'Diego Albuquerque', unitId: 'unidade-centro', capacity: chat, skills: { 'restituicao-contestacao-n1': 4, 'ipva-pagamento-n1': 3 } },
  { id: 'ag-elaine', name: 'Elaine Cristina Rocha', unitId: 'unidade-centro', capacity: { phone: 1 }, voiceExcludesChat: true, skills: { 'geral-n1': 4, 'ipva-pagamento-n1': 4, 'itcd-protocolo-n1': 3 } },
  { id: 'ag-fabio', name: 'Fábio Nascimento', unitId: 'unidade-centro', capacity: { phone: 1 }, voiceExcludesChat: true, skills: { 'ipva-pagamento-n1': 3, 'restituicao-contestacao-n1': 4, 'geral-n1': 3 } },
  { id: 'ag-gabriela', name: 'Gabriela Ferreira', unitId: 'unidade-centro', capacity: { video: 1 }, skills: { 'ipva-pagamento-n2': 4, 'itcd-protocolo-n2': 4 } },
  { id: 'ag-heitor', name: 'Heitor Barbosa', unitId: 'unidade-centro', capacity: { presencial: 1 }, skills: N1_ALL },
  { id: 'ag-isabela', name: 'Isabela Carvalho', unitId: 'unidade-centro', capacity: { presencial: 1 }, skills: N1_ALL },
  { id: 'ag-joao', name: 'João Pedro Martins', unitId: 'unidade-centro', capacity: { chat: 2, whatsapp: 2, phone: 1 }, voiceExcludesChat: true, skills: { 'ipva-pagamento-n2': 5, 'restituicao-contestacao-n2': 4 } },
  { id: 'ag-karina', name: 'Karina Oliveira', unitId: 'unidade-norte', capacity: chat, skills: { ...N1_ALL, 'itcd-protocolo-n1': 4 } },
  { id: 'ag-leonardo', name: 'Leonardo Teixeira', unitId: 'unidade-norte', capacity: chat, skills: { ...N1_ALL, 'restituicao-contestacao-n1': 4 } },
  { id: 'ag-marina', name: 'Marina Duarte', unitId: 'unidade-norte', capacity: chat, skills: { 'itcd-protocolo-n2': 5, 'restituicao-contestacao-n2': 3 } },
  { id: 'ag-nelson', name: 'Nelson Araújo', unitId: 'unidade-norte', capacity: { phone: 1 }, voiceExcludesChat: true, skills: N1_ALL },
  { id: 'ag-olivia', name: 'Olívia Castro', unitId: 'unidade-norte', capacity: { phone: 1 }, voiceExcludesChat: true, skills: { 'ipva-pagamento-n2': 4, 'itcd-protocolo-n2': 4, 'restituicao-contestacao-n2': 3 } },
  { id: 'ag-paulo', name: 'Paulo Ricardo Gomes', unitId: 'unidade-norte', capacity: { video: 1 }, skills: { 'restituicao-contestacao-n2': 4, 'restituicao-contestacao-n3': 4 } },
  { id: 'ag-quiteria', name: 'Quitéria Santos', unitId: 'unidade-norte', capacity: { presencial: 1 }, skills: N1_ALL },
  { id: 'ag-rafael', name: 'Rafael Moreira', unitId: 'unidade-norte', capacity: { presencial: 1 }, skills: N1_ALL },
  { id: 'ag-sandra', name: 'Sandra Vieira', unitId: 'unidade-norte', capacity: { chat: 2, whatsapp: 2, phone: 1 }, voiceExcludesChat: true, skills: { 'restituicao-contestacao-n3': 5 } },
  { id: 'ag-tiago', name: 'Tiago Ribeiro', unitId: 'unidade-norte', capacity: { chat: 2, whatsapp: 2, video: 1 }, skills: { 'restituicao-contestacao-n2': 5, 'restituicao-contestacao-n3': 4 } },
];

/** Demo logins; passwords are generated at each start and printed. */
export const USERS = [
  { username: 'admin', role: 'admin' as const },
  { username: 'supervisora', role: 'supervisor' as const },
  { username: 'atendente', role: 'agent' as const, agentId: 'ag-ana' },
];

/** Where citizens arrive (N1 groups), with weights; video goes to the N2 specialists. */
export const ARRIVALS = {
  groups: [
    { groupId: 'ipva-pagamento-n1', weight: 35 },
    { groupId: 'restituicao-contestacao-n1', weight: 25 },
    { groupId: 'itcd-protocolo-n1', weight: 20 },
    { groupId: 'geral-n1', weight: 20 },
  ],
  videoGroups: [
    { groupId: 'ipva-pagamento-n2', weight: 1 },
    { groupId: 'itcd-protocolo-n2', weight: 1 },
    { groupId: 'restituicao-contestacao-n2', weight: 1 },
  ],
  channels: [
    { channel: 'chat' as Channel, weight: 30 },
    { channel: 'whatsapp' as Channel, weight: 30 },
    { channel: 'phone' as Channel, weight: 20 },
    { channel: 'presencial' as Channel, weight: 15 },
    { channel: 'video' as Channel, weight: 5 },
  ],
};

export const CITIZEN_FIRST_NAMES = ['Maria', 'José', 'Antônio', 'Francisca', 'Luiz', 'Adriana', 'Marcos', 'Juliana', 'Raimundo', 'Patrícia', 'Sebastião', 'Aline', 'Carlos', 'Fernanda', 'Roberto', 'Luciana'];
export const CITIZEN_LAST_NAMES = ['Silva', 'Santos', 'Oliveira', 'Pereira', 'Costa', 'Rodrigues', 'Almeida', 'Nascimento', 'Lima', 'Araújo', 'Fernandes', 'Gomes'];
export const OUTCOMES = ['Resolvido', 'Orientado', 'Encaminhado ao setor responsável', 'Pendente de documentação'];
