// @atende/db public surface: open the database, the routing event log and the repositories.
export { openDatabase, type Database, type OpenDatabaseOptions, type OpenedDatabase, type Schema } from './client.js';
export {
  EventLog,
  type EventLogOptions,
  type NewRoutingEvent,
  type ReadEventsOptions,
  type StoredRoutingEvent,
} from './events.js';
export {
  deleteHoliday,
  getGroup,
  listBusinessHours,
  listGroups,
  listPauseReasons,
  listUnits,
  upsertBusinessHours,
  upsertGroup,
  upsertHoliday,
  upsertPauseReason,
  upsertUnit,
  type BusinessHours,
  type BusinessHoursInput,
  type BusinessHoursWithHolidays,
  type Group,
  type GroupInput,
  type Holiday,
  type PauseReason,
  type PauseReasonInput,
  type TenantFilter,
  type Unit,
  type UnitInput,
} from './organization.js';
export {
  getAgent,
  listAgents,
  listAgentStateHistory,
  recordAgentState,
  upsertAgent,
  type Agent,
  type AgentInput,
  type AgentRow,
  type AgentSkill,
  type AgentStateInput,
  type AgentStateRecord,
} from './agents.js';
export { createUser, deleteUser, findUserByUsername, getUser, listUsers, updateUser, type User, type UserInput } from './users.js';
export { ensureSetting, getSetting, putSetting } from './settings.js';
export {
  getContact,
  getInteraction,
  listInteractions,
  upsertContact,
  upsertInteraction,
  upsertInteractions,
  type Contact,
  type ContactInput,
  type Interaction,
  type InteractionFilter,
  type InteractionInput,
  type InteractionPage,
  type InteractionRow,
} from './interactions.js';
export { DbError, type DbErrorCode } from './errors.js';
export { newId } from './ids.js';
/** The tables, for queries the repositories do not cover (drizzle-orm itself is not re-exported). */
export * as schema from './schema/index.js';
export type {
  Channel,
  ChannelCapacity,
  InteractionState,
  RoutingStrategy,
  UserRole,
  WeeklyHours,
} from './schema/index.js';
