// Keyboard shortcuts of the agent workspace: A accepts the offer, R rejects it, E ends the open
// session. They never fire while the agent types in a field, nor with a modifier held.

export type ShortcutAction = 'accept' | 'reject' | 'end';

const KEYS: Record<string, ShortcutAction> = { a: 'accept', r: 'reject', e: 'end' };

/** Input types that take text; checkboxes, radios and buttons do not swallow letters. */
const TEXT_INPUTS = new Set(['text', 'search', 'email', 'tel', 'url', 'password', 'number', 'date', 'datetime-local', 'time', 'month', 'week', '']);

interface TargetLike {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
  getAttribute?: (name: string) => string | null;
}

export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof target !== 'object') return false;
  const element = target as TargetLike;
  if (element.isContentEditable) return true;
  const tag = (element.tagName ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return TEXT_INPUTS.has((element.type ?? element.getAttribute?.('type') ?? '').toLowerCase());
  return false;
}

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  repeat?: boolean;
  target?: unknown;
}

export function shortcutFor(event: KeyLike): ShortcutAction | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return undefined;
  if (isTypingTarget(event.target)) return undefined;
  return KEYS[event.key.toLowerCase()];
}
