import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSetting, getSetting, putSetting } from '../src/index.js';
import { ENGINES, openTestDatabase, uniqueTenant, type TestDatabase } from './databases.js';

describe.each(ENGINES)('settings repository on %s', (engine) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  });
  afterAll(() => database?.dispose());

  it('reads nothing for an unknown key, then what was put, then the replacement', async () => {
    const key = `${uniqueTenant()}.checkpoint`;
    expect(await getSetting(database.db, key)).toBeUndefined();
    await putSetting(database.db, key, { seq: 10 });
    expect(await getSetting(database.db, key)).toEqual({ seq: 10 });
    await putSetting(database.db, key, { seq: 42 });
    expect(await getSetting(database.db, key)).toEqual({ seq: 42 });
  });

  it('keeps the first value when two writers ensure the same key', async () => {
    const key = `${uniqueTenant()}.secret`;
    const [first, second] = await Promise.all([ensureSetting(database.db, key, 'aaa'), ensureSetting(database.db, key, 'bbb')]);
    expect(first).toBe(second);
    expect(await ensureSetting(database.db, key, 'ccc')).toBe(first);
  });
});
