// Validation of the admin forms, with messages in pt-BR, and the translation of the server's
// 400 field list into the same words. Each validator returns { fieldPath: message }; empty is valid.
import { CHANNELS, type Channel, type Role } from '../api/types';

export type Problems = Record<string, string>;

export const MESSAGES = {
  required: 'Campo obrigatório.',
  id: 'Use de 1 a 200 caracteres: letras, dígitos, ponto, hífen ou sublinhado.',
  integer: 'Informe um número inteiro.',
  number: 'Informe um número.',
  level: 'Escolha o nível N1, N2 ou N3.',
  nonNegative: 'Informe um valor igual ou maior que zero.',
  positive: 'Informe um valor maior que zero.',
  proficiency: 'A proficiência vai de 1 a 5.',
  capacity: 'A capacidade vai de 0 a 1000.',
  anyCapacity: 'Informe capacidade em pelo menos um canal.',
  duplicateGroup: 'Este grupo já foi incluído.',
  overflowBoth: 'Para transbordar, informe o tempo e o grupo de destino.',
  overflowSelf: 'O transbordo deve ir para outro grupo.',
  time: 'Use o formato HH:MM (00:00 a 24:00).',
  openBeforeClose: 'A abertura deve ser antes do fechamento.',
  weekday: 'Escolha um dia da semana.',
  date: 'Informe uma data válida (AAAA-MM-DD).',
  timeZone: 'Fuso horário desconhecido (ex.: America/Sao_Paulo).',
  username: 'Use de 3 a 64 caracteres: letras minúsculas, dígitos, ponto, hífen ou sublinhado.',
  password: 'A senha precisa de pelo menos 8 caracteres.',
  agentForAgentRole: 'Um usuário atendente precisa estar vinculado a um atendente.',
  role: 'Escolha um perfil.',
  tooLong: 'Texto longo demais (máximo de 200 caracteres).',
} as const;

const ID = /^[A-Za-z0-9._-]{1,200}$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const USERNAME = /^[a-z0-9._-]{3,64}$/;

const blank = (v: unknown): boolean => v === undefined || v === null || String(v).trim() === '';

function checkId(problems: Problems, field: string, value: string): void {
  if (blank(value)) problems[field] = MESSAGES.required;
  else if (!ID.test(value)) problems[field] = MESSAGES.id;
}

function checkText(problems: Problems, field: string, value: string | undefined, required: boolean): void {
  if (required && blank(value)) problems[field] = MESSAGES.required;
  else if ((value ?? '').length > 200) problems[field] = MESSAGES.tooLong;
}

/** A number typed in a form: '' is missing; anything non-numeric is invalid. */
function toNumber(value: string | number | undefined | null): number | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const n = typeof value === 'number' ? value : Number(value.replace(',', '.'));
  return Number.isFinite(n) ? n : Number.NaN;
}

export interface GroupForm {
  id: string;
  name: string;
  tema: string;
  categoria: string;
  level: string | number;
  slaSeconds: string | number;
  strategy: string;
  wrapUpSeconds: string | number;
  overflowAfterSeconds: string | number;
  overflowGroupId: string;
}

export function validateGroup(form: GroupForm): Problems {
  const p: Problems = {};
  checkId(p, 'id', form.id);
  checkText(p, 'name', form.name, true);
  checkText(p, 'tema', form.tema, false);
  checkText(p, 'categoria', form.categoria, false);
  if (![1, 2, 3].includes(Number(form.level))) p.level = MESSAGES.level;
  const sla = toNumber(form.slaSeconds);
  if (sla === undefined) p.slaSeconds = MESSAGES.required;
  else if (Number.isNaN(sla)) p.slaSeconds = MESSAGES.number;
  else if (sla < 0) p.slaSeconds = MESSAGES.nonNegative;
  const wrap = toNumber(form.wrapUpSeconds);
  if (wrap !== undefined && (Number.isNaN(wrap) || wrap < 0)) p.wrapUpSeconds = MESSAGES.nonNegative;
  const after = toNumber(form.overflowAfterSeconds);
  const target = form.overflowGroupId.trim();
  if ((after === undefined) !== (target === '')) p[after === undefined ? 'overflowAfterSeconds' : 'overflowGroupId'] = MESSAGES.overflowBoth;
  else if (after !== undefined && (Number.isNaN(after) || after <= 0)) p.overflowAfterSeconds = MESSAGES.positive;
  else if (target !== '' && target === form.id) p.overflowGroupId = MESSAGES.overflowSelf;
  return p;
}

export interface AgentForm {
  id: string;
  name: string;
  groups: { groupId: string; proficiency: string | number }[];
  capacity: Partial<Record<Channel, string | number>>;
}

export function validateAgent(form: AgentForm): Problems {
  const p: Problems = {};
  checkId(p, 'id', form.id);
  checkText(p, 'name', form.name, true);
  const seen = new Set<string>();
  form.groups.forEach((m, i) => {
    if (blank(m.groupId)) p[`groups.${i}.groupId`] = MESSAGES.required;
    else if (seen.has(m.groupId)) p[`groups.${i}.groupId`] = MESSAGES.duplicateGroup;
    seen.add(m.groupId);
    const prof = toNumber(m.proficiency);
    if (prof === undefined || !Number.isInteger(prof) || prof < 1 || prof > 5) p[`groups.${i}.proficiency`] = MESSAGES.proficiency;
  });
  let any = false;
  for (const channel of CHANNELS) {
    const value = toNumber(form.capacity[channel]);
    if (value === undefined) continue;
    if (Number.isNaN(value) || !Number.isInteger(value)) p[`capacity.${channel}`] = MESSAGES.integer;
    else if (value < 0 || value > 1000) p[`capacity.${channel}`] = MESSAGES.capacity;
    else if (value > 0) any = true;
  }
  if (!any && !Object.keys(p).some((k) => k.startsWith('capacity.'))) p.capacity = MESSAGES.anyCapacity;
  return p;
}

export function validTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('pt-BR', { timeZone });
    return timeZone.trim() !== '';
  } catch {
    return false;
  }
}

export function validDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export interface HoursForm {
  id: string;
  name: string;
  timeZone: string;
  weekly: { weekday: string | number; open: string; close: string }[];
  holidays: { date: string; name: string }[];
}

export function validateHours(form: HoursForm): Problems {
  const p: Problems = {};
  checkId(p, 'id', form.id);
  checkText(p, 'name', form.name, true);
  if (!validTimeZone(form.timeZone)) p.timeZone = MESSAGES.timeZone;
  form.weekly.forEach((w, i) => {
    const day = Number(w.weekday);
    if (blank(w.weekday) || !Number.isInteger(day) || day < 0 || day > 6) p[`weekly.${i}.weekday`] = MESSAGES.weekday;
    if (!HHMM.test(w.open)) p[`weekly.${i}.open`] = MESSAGES.time;
    if (!HHMM.test(w.close)) p[`weekly.${i}.close`] = MESSAGES.time;
    else if (HHMM.test(w.open) && w.open >= w.close) p[`weekly.${i}.close`] = MESSAGES.openBeforeClose;
  });
  form.holidays.forEach((h, i) => {
    if (!validDate(h.date)) p[`holidays.${i}.date`] = MESSAGES.date;
    checkText(p, `holidays.${i}.name`, h.name, true);
  });
  return p;
}

export function validatePauseReason(form: { id: string; label: string }): Problems {
  const p: Problems = {};
  checkId(p, 'id', form.id);
  checkText(p, 'label', form.label, true);
  return p;
}

export function validateUnit(form: { id: string; name: string; timeZone: string }): Problems {
  const p: Problems = {};
  checkId(p, 'id', form.id);
  checkText(p, 'name', form.name, true);
  if (!validTimeZone(form.timeZone)) p.timeZone = MESSAGES.timeZone;
  return p;
}

export interface UserForm {
  username: string;
  password: string;
  role: string;
  agentId: string;
}

export function validateUser(form: UserForm): Problems {
  const p: Problems = {};
  if (blank(form.username)) p.username = MESSAGES.required;
  else if (!USERNAME.test(form.username)) p.username = MESSAGES.username;
  if (form.password.length < 8) p.password = form.password === '' ? MESSAGES.required : MESSAGES.password;
  if (!(['agent', 'supervisor', 'admin'] as Role[]).includes(form.role as Role)) p.role = MESSAGES.role;
  else if (form.role === 'agent' && blank(form.agentId)) p.agentId = MESSAGES.agentForAgentRole;
  return p;
}

/**
 * The server's field problems ({ path, message } from a 400) in pt-BR. Its own Portuguese
 * messages are kept; the schema library's English defaults are replaced by their meaning.
 */
export function translateServerFields(fields: readonly { path: string; message: string }[]): Problems {
  const p: Problems = {};
  for (const f of fields) {
    const key = f.path || 'form';
    if (p[key]) continue;
    p[key] = translateMessage(f.message);
  }
  return p;
}

function translateMessage(message: string): string {
  const m = message.toLowerCase();
  if (/[áéíóúãõç]/.test(m) || m.startsWith('informe') || m.startsWith('um ') || m.startsWith('use ')) return message;
  if (m.includes('received undefined') || m === 'required') return MESSAGES.required;
  if (m.includes('too small')) return m.includes('string') ? MESSAGES.required : 'Valor abaixo do mínimo permitido.';
  if (m.includes('too big')) return m.includes('string') ? MESSAGES.tooLong : 'Valor acima do máximo permitido.';
  if (m.includes('invalid option') || m.includes('invalid enum') || m.includes('invalid literal')) return 'Opção inválida.';
  if (m.includes('expected number')) return MESSAGES.number;
  if (m.includes('expected int')) return MESSAGES.integer;
  if (m.includes('email')) return 'Informe um e-mail válido.';
  if (m.includes('date')) return MESSAGES.date;
  if (m === 'hh:mm') return MESSAGES.time;
  return 'Valor inválido.';
}

export { toNumber };

/** A suggested identifier from a name: "IPVA — Pagamento" → "ipva-pagamento". */
export function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}
