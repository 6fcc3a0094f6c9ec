// What the admin screen edits, read through the API and reloaded after each save.
import type { Agent, BusinessHours, Group, PauseReason, Unit, User } from '../api/types';
import type { ApiClient } from '../api/client';

export class Catalog {
  groups = $state.raw<Group[]>([]);
  agents = $state.raw<Agent[]>([]);
  hours = $state.raw<BusinessHours[]>([]);
  units = $state.raw<Unit[]>([]);
  pauseReasons = $state.raw<PauseReason[]>([]);
  users = $state.raw<User[]>([]);
  error = $state<string | undefined>(undefined);

  constructor(private readonly api: ApiClient) {}

  async load(): Promise<void> {
    try {
      const [groups, agents, hours, units, pauseReasons, users] = await Promise.all([
        this.api.get<Group[]>('/api/groups'),
        this.api.get<Agent[]>('/api/agents'),
        this.api.get<BusinessHours[]>('/api/hours'),
        this.api.get<Unit[]>('/api/units'),
        this.api.get<PauseReason[]>('/api/pause-reasons'),
        this.api.get<User[]>('/api/users'),
      ]);
      const byName = <T extends { name?: string; label?: string; username?: string; id: string }>(list: T[]) =>
        [...list].sort((a, b) => (a.name ?? a.label ?? a.username ?? a.id).localeCompare(b.name ?? b.label ?? b.username ?? b.id, 'pt-BR'));
      this.groups = byName(groups);
      this.agents = byName(agents);
      this.hours = byName(hours);
      this.units = byName(units);
      this.pauseReasons = byName(pauseReasons);
      this.users = byName(users);
      this.error = undefined;
    } catch (err) {
      this.error = err instanceof Error ? err.message : 'Não foi possível carregar a configuração.';
    }
  }
}
