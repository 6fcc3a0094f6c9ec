import { describe, expect, it } from 'vitest';
import { ApiFailure } from '$lib/api/client';
import { AdminEditor, FIX_FIELDS, type SaveSteps } from '$lib/admin/editor.svelte';
import { validateUnit } from '$lib/admin/validation';

interface UnitForm {
  id: string;
  name: string;
  timeZone: string;
}
const blank = (): UnitForm => ({ id: '', name: '', timeZone: 'America/Sao_Paulo' });

function steps(sent: UnitForm[], then: 'edit' | 'reset', fail?: unknown): SaveSteps<UnitForm> {
  return {
    validate: validateUnit,
    send: async (form) => {
      if (fail) throw fail;
      sent.push({ ...form });
      return `Unidade “${form.name}” salva.`;
    },
    then,
  };
}

describe('AdminEditor', () => {
  it('suggests the id from the name until the admin types one, and never for a record being edited', () => {
    const editor = new AdminEditor(blank);
    editor.nameChanged('Agência Centro');
    expect(editor.form.id).toBe('agencia-centro');
    editor.idChanged();
    editor.form.id = 'centro';
    editor.nameChanged('Agência Centro Sul');
    expect(editor.form.id).toBe('centro');
    editor.create();
    editor.nameChanged('Posto Norte');
    expect(editor.form.id).toBe('posto-norte');
    editor.edit({ id: 'sede', name: 'Sede', timeZone: 'America/Sao_Paulo' });
    editor.nameChanged('Sede Nova');
    expect(editor.form.id).toBe('sede');
  });

  it('sends nothing while the form has problems, and shows them', async () => {
    const sent: UnitForm[] = [];
    const editor = new AdminEditor(blank);
    expect(await editor.save(steps(sent, 'reset'))).toBe(false);
    expect(sent).toEqual([]);
    expect(editor.message).toBe(FIX_FIELDS);
    expect(Object.keys(editor.problems)).toEqual(expect.arrayContaining(['name', 'id']));
  });

  it('keeps the saved record in edit mode, or clears the form, as the form asks', async () => {
    const sent: UnitForm[] = [];
    const keep = new AdminEditor(blank);
    keep.form = { id: 'centro', name: 'Centro', timeZone: 'America/Sao_Paulo' };
    let reloaded = 0;
    expect(await keep.save({ ...steps(sent, 'edit'), reload: async () => void reloaded++ })).toBe(true);
    expect(reloaded).toBe(1);
    expect(keep.editing).toBe(true);
    expect(keep.form.id).toBe('centro');
    expect(keep.saved).toBe('Unidade “Centro” salva.');
    expect(keep.busy).toBe(false);

    const reset = new AdminEditor(blank);
    reset.form = { id: 'norte', name: 'Norte', timeZone: 'America/Manaus' };
    expect(await reset.save(steps(sent, 'reset'))).toBe(true);
    expect(reset.editing).toBe(false);
    expect(reset.form).toEqual(blank());
    expect(sent.map((f) => f.id)).toEqual(['centro', 'norte']);
  });

  it("puts the server's field problems next to the fields and keeps what was typed", async () => {
    const editor = new AdminEditor(blank);
    editor.form = { id: 'centro', name: 'Centro', timeZone: 'America/Sao_Paulo' };
    const failure = new ApiFailure(400, 'invalid_request', 'invalid', { fields: [{ path: 'timeZone', message: 'Invalid option' }] });
    expect(await editor.save(steps([], 'reset', failure))).toBe(false);
    expect(editor.problems).toEqual({ timeZone: 'Opção inválida.' });
    expect(editor.message).toBe(FIX_FIELDS);
    expect(editor.form.name).toBe('Centro');
    expect(editor.busy).toBe(false);
  });

  it('ignores a second submit while the first is in flight', async () => {
    let release!: () => void;
    let sends = 0;
    const editor = new AdminEditor(blank);
    editor.form = { id: 'centro', name: 'Centro', timeZone: 'America/Sao_Paulo' };
    const slow: SaveSteps<UnitForm> = {
      validate: validateUnit,
      send: () => {
        sends++;
        return new Promise<string>((resolve) => (release = () => resolve('ok')));
      },
      then: 'edit',
    };
    const first = editor.save(slow);
    expect(editor.busy).toBe(true);
    expect(await editor.save(slow)).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(sends).toBe(1);
  });

  it('reports an action outside the form: its confirmation or its failure', async () => {
    const editor = new AdminEditor(blank);
    await editor.act(async () => 'Usuário “ana” excluído.');
    expect(editor.saved).toBe('Usuário “ana” excluído.');
    await editor.act(async () => {
      throw new ApiFailure(409, 'conflict', 'Usuário em uso.');
    });
    expect(editor.saved).toBeUndefined();
    expect(editor.message).toBe('Usuário em uso.');
  });
});
