// Repository of the knowledge base: the approved questions and answers with their público, tema
// and categoria (what the bot indexes), and a whole-tree upsert for seeding and imports.
import { and, eq } from 'drizzle-orm';
import type { Database } from './client.js';
import { kbAudiences, kbCategories, kbEntries, kbThemes } from './schema/index.js';

export interface KnowledgeEntry {
  id: string;
  question: string;
  answer: string;
  keywords: string;
  audience: string;
  tema: string;
  categoria: string;
}

/** Every approved entry with the names of its público, tema and categoria. */
export async function listKnowledge(db: Database, tenant = 'default'): Promise<KnowledgeEntry[]> {
  return db
    .select({
      id: kbEntries.id,
      question: kbEntries.question,
      answer: kbEntries.answer,
      keywords: kbEntries.keywords,
      audience: kbAudiences.name,
      tema: kbThemes.name,
      categoria: kbCategories.name,
    })
    .from(kbEntries)
    .innerJoin(kbCategories, eq(kbEntries.categoryId, kbCategories.id))
    .innerJoin(kbThemes, eq(kbCategories.themeId, kbThemes.id))
    .innerJoin(kbAudiences, eq(kbThemes.audienceId, kbAudiences.id))
    .where(and(eq(kbEntries.tenant, tenant), eq(kbEntries.approved, true)));
}

export interface KnowledgeTree {
  audiences: {
    id: string;
    name: string;
    themes: {
      id: string;
      name: string;
      categories: { id: string; name: string; entries: { id: string; question: string; answer: string; keywords?: string }[] }[];
    }[];
  }[];
}

/** Creates or replaces every node of the tree (by id), in one transaction. */
export async function upsertKnowledge(db: Database, tree: KnowledgeTree, tenant = 'default'): Promise<number> {
  let entries = 0;
  await db.transaction(async (tx) => {
    for (const audience of tree.audiences) {
      await tx
        .insert(kbAudiences)
        .values({ id: audience.id, tenant, name: audience.name })
        .onConflictDoUpdate({ target: kbAudiences.id, set: { name: audience.name } });
      for (const theme of audience.themes) {
        await tx
          .insert(kbThemes)
          .values({ id: theme.id, tenant, audienceId: audience.id, name: theme.name })
          .onConflictDoUpdate({ target: kbThemes.id, set: { name: theme.name, audienceId: audience.id } });
        for (const category of theme.categories) {
          await tx
            .insert(kbCategories)
            .values({ id: category.id, tenant, themeId: theme.id, name: category.name })
            .onConflictDoUpdate({ target: kbCategories.id, set: { name: category.name, themeId: theme.id } });
          for (const entry of category.entries) {
            const values = { question: entry.question, answer: entry.answer, keywords: entry.keywords ?? '', categoryId: category.id };
            await tx
              .insert(kbEntries)
              .values({ id: entry.id, tenant, ...values })
              .onConflictDoUpdate({ target: kbEntries.id, set: values });
            entries += 1;
          }
        }
      }
    }
  });
  return entries;
}
