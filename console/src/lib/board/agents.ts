// The board's agent list: WS /ws/board sends every agent in its snapshot, then `agents` updates
// that carry only the agents changed since the previous update and the ids of agents gone.
import type { Agent } from '../api/types';

/**
 * Applies an `agents` update to the list: a changed agent replaces its entry in place, a new one
 * is appended, a removed id leaves. Returns the same array when the update is empty.
 */
export function mergeAgents(current: Agent[], changed: readonly Agent[], removed: readonly string[]): Agent[] {
  if (changed.length === 0 && removed.length === 0) return current;
  const byId = new Map(current.map((a) => [a.id, a]));
  for (const id of removed) byId.delete(id);
  for (const a of changed) byId.set(a.id, a);
  return [...byId.values()];
}
