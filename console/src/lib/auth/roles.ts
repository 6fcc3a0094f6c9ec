// Which screens each role opens: agents work in /atendente, supervisors watch /supervisor, and
// admins open everything (including /admin).
import type { Role } from '../api/types';

export const SCREENS = ['/atendente', '/supervisor', '/admin'] as const;
export type Screen = (typeof SCREENS)[number];

const ALLOWED: Record<Role, readonly Screen[]> = {
  agent: ['/atendente'],
  supervisor: ['/supervisor'],
  admin: ['/atendente', '/supervisor', '/admin'],
};

export const SCREEN_LABELS: Record<Screen, string> = {
  '/atendente': 'Atendimento',
  '/supervisor': 'Painel de supervisão',
  '/admin': 'Administração',
};

export function homeFor(role: Role): Screen {
  return role === 'agent' ? '/atendente' : role === 'supervisor' ? '/supervisor' : '/admin';
}

export function screensFor(role: Role): readonly Screen[] {
  return ALLOWED[role];
}

/** Whether a role may open a path (sub-paths of a screen included). */
export function canOpen(role: Role, path: string): boolean {
  return ALLOWED[role].some((screen) => path === screen || path.startsWith(`${screen}/`));
}
