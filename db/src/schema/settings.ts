// Installation-wide settings kept in the database so every router node sees the same values:
// the token signing secret, the interactions projection checkpoint, and similar small facts.
import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { updatedAt } from './columns.js';

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedAt: updatedAt(),
});
