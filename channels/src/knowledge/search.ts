// Full-text search over the knowledge base's questions and answers (minisearch): Portuguese
// terms without accents or stop words, prefix and typo tolerance, restricted to a tema when asked.
import MiniSearch from 'minisearch';
import type { KnowledgeEntry } from '@atende/db';

export interface KnowledgeHit {
  id: string;
  question: string;
  answer: string;
  tema: string;
  categoria: string;
  score: number;
}

// Words that carry no meaning for matching a question ("como faço para pagar o IPVA?").
const STOP_WORDS = new Set(
  (
    'a o as os um uma uns umas de do da dos das em no na nos nas por pelo pela pelos pelas para pra pro com sem ' +
    'e ou que se me mim meu minha meus minhas seu sua seus suas eu voce voces ele ela eles elas nos isso isto esse essa ' +
    'este esta aquele aquela ao aos ja nao sim mais muito muita como qual quais quando onde porque quero queria gostaria ' +
    'preciso precisava posso pode podem tem tenho ter ser foi sao sobre ate bom boa dia tarde noite ola oi obrigado obrigada favor fazer faco'
  ).split(' '),
);

/** Lower case, accents removed, stop words dropped: "Restituição" and "restituicao" match. */
export function normalizeTerm(term: string): string | null {
  const plain = term
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
  if (plain.length < 2 || STOP_WORDS.has(plain)) return null;
  return plain;
}

const normalizeLabel = (label: string) => (normalizeTerm(label.replace(/\s+/g, '')) ?? label).toLowerCase();

export class KnowledgeIndex {
  private index = KnowledgeIndex.empty();
  private entries = 0;

  private static empty() {
    return new MiniSearch<KnowledgeEntry & { temaKey: string }>({
      fields: ['question', 'keywords', 'answer', 'categoria', 'tema'],
      storeFields: ['question', 'answer', 'tema', 'categoria', 'temaKey'],
      processTerm: (term) => normalizeTerm(term),
      searchOptions: { boost: { question: 3, keywords: 2, categoria: 1.5 }, prefix: (term) => term.length >= 4, fuzzy: 0.2, combineWith: 'OR' },
    });
  }

  get size(): number {
    return this.entries;
  }

  /** Replaces the whole index (the base is small: thousands of entries index in milliseconds). */
  load(entries: readonly KnowledgeEntry[]): void {
    const index = KnowledgeIndex.empty();
    index.addAll(entries.map((e) => ({ ...e, temaKey: normalizeLabel(e.tema) })));
    this.index = index;
    this.entries = entries.length;
  }

  /**
   * The best answers for a question, within a tema when given (falling back to the whole base when
   * the tema has no match). Answers scoring far below the best are dropped: one sure answer beats three vague ones.
   */
  search(question: string, options: { tema?: string; limit?: number } = {}): KnowledgeHit[] {
    const limit = options.limit ?? 3;
    const run = (tema?: string) => {
      const key = tema === undefined ? undefined : normalizeLabel(tema);
      return this.index.search(question, key === undefined ? {} : { filter: (r) => r.temaKey === key });
    };
    let results = options.tema ? run(options.tema) : [];
    if (results.length === 0) results = run();
    if (results.length === 0) return [];
    const best = results[0]!.score;
    return results
      .filter((r) => r.score >= best * 0.5)
      .slice(0, limit)
      .map((r) => ({ id: String(r.id), question: r.question as string, answer: r.answer as string, tema: r.tema as string, categoria: r.categoria as string, score: r.score }));
  }
}
