// The few reads of the core's state that its views do not cover yet (group and agent configs,
// session counts by state). Kept in one place so a change inside the core touches one file.
import type { AgentConfig, GroupConfig, InteractionState, Router } from '../../core/index.js';

export const INTERACTION_STATES: readonly InteractionState[] = ['queued', 'offered', 'active', 'wrapup', 'ended', 'abandoned'];

export class StateReader {
  constructor(private readonly router: Router) {}

  groupConfigs(): GroupConfig[] {
    return this.router.state.groupList.map((g) => g.config);
  }

  groupConfig(id: string): GroupConfig | undefined {
    return this.router.state.groups.get(id)?.config;
  }

  agentConfig(id: string): AgentConfig | undefined {
    return this.router.state.agents.get(id)?.config;
  }

  sessionsByState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const s of this.router.state.interactions.unordered()) counts[s.state] = (counts[s.state] ?? 0) + 1;
    return counts;
  }

  /** Whether any session waits (the board refreshes waiting times while one does). */
  anyWaiting(): boolean {
    for (const s of this.router.state.interactions.unordered()) if (s.state === 'queued' || s.state === 'offered') return true;
    return false;
  }
}
