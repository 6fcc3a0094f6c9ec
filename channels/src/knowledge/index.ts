// The knowledge base the bot answers from: loaded from Postgres into a search index, reloaded on
// demand; the demo base is seeded when asked (`npm start -- --demo`).
import { listKnowledge, upsertKnowledge, type Database } from '@atende/db';
import { DEMO_KNOWLEDGE } from './seed.js';
import { KnowledgeIndex, type KnowledgeHit } from './search.js';

export { DEMO_KNOWLEDGE } from './seed.js';
export { KnowledgeIndex, normalizeTerm, type KnowledgeHit } from './search.js';

export class Knowledge {
  private readonly index = new KnowledgeIndex();

  constructor(private readonly db: Database) {}

  get size(): number {
    return this.index.size;
  }

  async reload(): Promise<void> {
    this.index.load(await listKnowledge(this.db));
  }

  async seedDemo(): Promise<number> {
    const count = await upsertKnowledge(this.db, DEMO_KNOWLEDGE);
    await this.reload();
    return count;
  }

  search(question: string, options: { tema?: string; limit?: number } = {}): KnowledgeHit[] {
    return this.index.search(question, options);
  }
}
