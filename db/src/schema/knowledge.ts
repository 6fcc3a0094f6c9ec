// The knowledge base the bot answers from: público → tema → categoria → perguntas/respostas.
// A categoria names the attendance group built from it (groups carry the same tema/categoria).
import { boolean, index, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, tenantColumn, updatedAt } from './columns.js';

/** Público: who the content is for (cidadão, contador, empresa…). */
export const kbAudiences = pgTable('kb_audiences', {
  id: text('id').primaryKey(),
  tenant: tenantColumn(),
  name: text('name').notNull(),
});

export const kbThemes = pgTable(
  'kb_themes',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    audienceId: text('audience_id')
      .notNull()
      .references(() => kbAudiences.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
  },
  (t) => [index('kb_themes_audience_idx').on(t.audienceId)],
);

export const kbCategories = pgTable(
  'kb_categories',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    themeId: text('theme_id')
      .notNull()
      .references(() => kbThemes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
  },
  (t) => [index('kb_categories_theme_idx').on(t.themeId)],
);

/** One curated question with its answer; only approved entries feed the bot. */
export const kbEntries = pgTable(
  'kb_entries',
  {
    id: text('id').primaryKey(),
    tenant: tenantColumn(),
    categoryId: text('category_id')
      .notNull()
      .references(() => kbCategories.id, { onDelete: 'cascade' }),
    question: text('question').notNull(),
    answer: text('answer').notNull(),
    /** Other ways citizens ask the same thing (synonyms, common wording). */
    keywords: text('keywords').notNull().default(''),
    approved: boolean('approved').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('kb_entries_category_idx').on(t.categoryId)],
);
