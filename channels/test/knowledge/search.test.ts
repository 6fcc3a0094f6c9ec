// The bot's search over the demo knowledge base: Portuguese wording, accents, typos, themes.
import { describe, expect, it } from 'vitest';
import { DEMO_KNOWLEDGE, KnowledgeIndex, normalizeTerm } from '../../src/index.js';

function demoIndex(): KnowledgeIndex {
  const index = new KnowledgeIndex();
  index.load(
    DEMO_KNOWLEDGE.audiences.flatMap((a) =>
      a.themes.flatMap((t) => t.categories.flatMap((c) => c.entries.map((e) => ({ ...e, keywords: e.keywords ?? '', audience: a.name, tema: t.name, categoria: c.name })))),
    ),
  );
  return index;
}

describe('knowledge search', () => {
  const index = demoIndex();

  it('normalises Portuguese terms: lower case, no accents, no stop words', () => {
    expect(normalizeTerm('Restituição')).toBe('restituicao');
    expect(normalizeTerm('para')).toBeNull();
    expect(normalizeTerm('é')).toBeNull();
  });

  it('finds the answer however the citizen writes it', () => {
    expect(index.search('segunda via do boleto do IPVA')[0]!.id).toBe('kb-ipva-segunda-via');
    expect(index.search('como faço pra parcelar meu ipva?')[0]!.id).toBe('kb-ipva-parcelamento');
    expect(index.search('restituicao pagamento em duplicidade')[0]!.id).toBe('kb-restituicao-pedido');
    expect(index.search('ITCD herança inventário')[0]!.id).toBe('kb-itcd-o-que-e');
    // A typo still finds it.
    expect(index.search('isensão de ipva para deficiente')[0]!.id).toBe('kb-ipva-isencao');
  });

  it('stays within the chosen theme when it has an answer, and falls back to the whole base otherwise', () => {
    const withinItcd = index.search('prazo para pagar', { tema: 'ITCD' });
    expect(withinItcd.every((h) => h.tema === 'ITCD')).toBe(true);
    expect(withinItcd[0]!.id).toBe('kb-itcd-prazo');
    expect(index.search('certidão negativa', { tema: 'IPVA' })[0]!.id).toBe('kb-geral-certidao');
  });

  it('answers nothing rather than something vague', () => {
    expect(index.search('receita de bolo de cenoura')).toEqual([]);
    expect(index.search('o que é isso?')).toEqual([]);
    expect(index.search('parcelar ipva').length).toBeLessThanOrEqual(3);
  });
});
