// The database schema: every table Atende persists, for queries and drizzle-kit.
export * from './organization.js';
export * from './agents.js';
export * from './interactions.js';
export * from './events.js';
export * from './settings.js';
export * from './conversations.js';
export * from './knowledge.js';
