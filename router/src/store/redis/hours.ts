// Time-zone math the routing script cannot do (Lua has no Intl): business hours of groups and the
// next local midnight, computed here with the core's own functions and passed in as arguments.

import { openState, startOfNextLocalDay, type OpenState } from '../../core/hours.js';
import type { BusinessHours } from '../../core/types.js';

/** What the script gets per group: [configuration version, open 1|0, next opening if closed]. */
export type HoursArgument = [number, 0 | 1] | [number, 0 | 1, number];

interface GroupHours {
  version: number;
  hours: BusinessHours;
  /** The core's hoursCache: the state holds from `from` until `until`. */
  cache?: { state: OpenState; from: number; until: number };
}

/**
 * Business hours of the groups this node has been asked about, by configuration version. The
 * cache mirrors Router.hoursOf: a state computed for a call is kept only if the script used it.
 */
export class GroupHoursCache {
  private readonly groups = new Map<string, GroupHours>();

  /** The script asked for a group it had no current state for: remember its hours. */
  learn(groupId: string, version: number, configJson: string): void {
    const config = JSON.parse(configJson) as { hours?: BusinessHours };
    if (!config.hours) return;
    const known = this.groups.get(groupId);
    if (known && known.version === version) return;
    this.groups.set(groupId, { version, hours: config.hours });
  }

  /** States for the script, without touching the cache yet. */
  argumentsFor(groupIds: Iterable<string>, now: number): { args: Record<string, HoursArgument>; fresh: Map<string, GroupHours['cache']> } {
    const args: Record<string, HoursArgument> = {};
    const fresh = new Map<string, GroupHours['cache']>();
    for (const id of groupIds) {
      const g = this.groups.get(id);
      if (!g) continue;
      let cache = g.cache;
      if (!cache || !(now >= cache.from && now < cache.until)) {
        const state = openState(g.hours, now);
        cache = { state, from: now, until: (state.open ? state.until : state.nextOpenAt) ?? Infinity };
        fresh.set(id, cache);
      }
      const s = cache.state;
      args[id] = s.open ? [g.version, 1] : s.nextOpenAt === undefined ? [g.version, 0] : [g.version, 0, s.nextOpenAt];
    }
    return { args, fresh };
  }

  /** The script used these groups' states: keep the ones computed for this call. */
  commit(used: string[], fresh: Map<string, GroupHours['cache']>): void {
    for (const id of used) {
      const cache = fresh.get(id);
      const g = this.groups.get(id);
      if (cache && g) g.cache = cache;
    }
  }

  knownGroups(): IterableIterator<string> {
    return this.groups.keys();
  }
}

/** The next local midnight after `now` in the router's time zone, cached for the current day. */
export class LocalDay {
  private from = Infinity;
  private until = -Infinity;

  constructor(private readonly timeZone: string) {}

  nextMidnight(now: number): number {
    if (!(now >= this.from && now < this.until)) {
      this.from = now;
      this.until = startOfNextLocalDay(now, this.timeZone);
    }
    return this.until;
  }
}
