// The packed records of the Redis engine: meta, groups, agents and sessions are each one Redis
// string, a fixed layout of little-endian doubles and strings (Lua's struct library
// packs and unpacks it in one C call; numbers never go through text, which costs the script more
// than anything else). This module is the one definition of the layouts: the routing script's
// codec (Lua) is generated from it, and the views decode records with it.
//
// A record: [mask: double] [numbers: double × n] [strings × m], each string either (uint32 length,
// bytes) or, when it can never hold a NUL byte, (bytes, NUL). An absent number is NaN; string i is
// present when bit i of the mask is set (an absent one is packed empty). The elements of
// per-channel tables and stats lists are never absent (the script creates them all and only
// changes them): its codec reads and writes them as they are. A record's id is its key's last
// part: not stored in it.

/**
 * A number's place in the record: a field, an element of a per-channel table, or of a stats list
 * (channel, stat). The script keeps the stats of all channels in one flat list (element
 * channel × STATS.length + stat: one table per record, not one per channel); the views as lists.
 */
export type NumberPath = string | readonly [string, number] | readonly [string, number, number];

export interface Layout {
  numbers: readonly NumberPath[];
  strings: readonly string[];
  /** Strings holding JSON (the script decodes them). */
  json: readonly string[];
  /**
   * Strings that never hold a NUL byte (hex digits, letters, digits, constant words, the script's
   * JSON texts: cjson escapes control characters): packed NUL-terminated, one item for struct
   * instead of two (a length and the bytes; each item costs the script a few hundred instructions).
   */
  nulFree?: readonly string[];
  /**
   * Number fields the script always sets (the record's creation sets them, nothing clears them):
   * its codec reads and writes them as they are, no NaN for absent (a missing one fails the pack).
   */
  required?: readonly string[];
  /**
   * JSON strings the script decodes on first use (S.json), their text kept under `_<name>` until
   * then; the others are decoded as the record is read ('[]' as the codec's shared empty list).
   */
  lazy?: readonly string[];
  /**
   * Per-channel lists the script keeps in one table of the record (list → table, offset: element
   * c at offset + c): one table made per read, not one per list.
   */
  luaLists?: Readonly<Record<string, readonly [string, number]>>;
  /**
   * JSON strings the script only ever replaces (never changes in place): the codec keeps the value
   * it decoded under `__<name>`, and while the record still holds it the old text is written back.
   */
  kept?: readonly string[];
}

const CHANNEL_INDEXES = [0, 1, 2, 3, 4] as const;
const perChannel = (field: string): [string, number][] => CHANNEL_INDEXES.map((c) => [field, c]);

/** Group stats per channel, in the core's order. */
export const STATS = ['waiting', 'answered', 'answeredWithinSla', 'waitMsTotal', 'handled', 'handleMsTotal', 'abandoned'] as const;

export const LAYOUTS = {
  meta: {
    numbers: ['seq', 'oseq', 'nday', 'ended', 'aband', 'acount', 'gcount', 'dseq'],
    // front: the deadline member last found live at the front of P:dl, fnext its time's text, its
    // score as the reply gives it (see A.nextDeadline).
    strings: ['front', 'fnext'],
    json: [],
    nulFree: ['fnext'],
    required: ['seq', 'oseq', 'nday', 'ended', 'aband', 'acount', 'gcount', 'dseq'],
  },
  group: {
    numbers: ['idx', 'lvl', 'sla', 'ofA', 'wrap', 'ring', 'hh', 'hv', ...CHANNEL_INDEXES.flatMap((c) => STATS.map((_, i) => ['st', c, i + 1] as const))],
    strings: ['tema', 'cat', 'strat', 'ofG', 'esc'],
    json: [],
    nulFree: ['strat'],
    required: ['idx', 'hv'],
  },
  agent: {
    numbers: ['ord', 'since', 'idle', 'today', 'misses', 'tl', 'tc', 'vx', 'hm', ...perChannel('load'), ...perChannel('cap'), ...perChannel('pn')],
    // ms: per membership, in mem order, its group's strategy (one letter, see 30-heaps.lua).
    // mem: the membership groups (JSON list of ids); mp: their proficiencies, one digit each.
    // held: its sessions offered, active or in wrap-up, in the order they were offered (the
    // sessions' states tell offers apart: accepting an offer leaves the agent's record alone).
    strings: ['pres', 'reason', 'hk', 'ms', 'mp', 'held', 'mem', 'tg', 'lo'],
    json: ['held', 'mem', 'tg', 'lo'],
    nulFree: ['pres', 'hk', 'ms', 'mp', 'held', 'mem', 'tg', 'lo'],
    // mem is read by nearly every use of an agent (its heap entries): decoded with the record.
    lazy: ['held', 'tg', 'lo'],
    // In the script: chan[c] load, chan[5 + c] capacity, chan[10 + c] personal queue size.
    luaLists: { load: ['chan', 0], cap: ['chan', 5], pn: ['chan', 10] },
    kept: ['mem'],
    required: ['ord', 'since', 'idle', 'today', 'misses', 'tl', 'tc', 'vx', 'hm'],
  },
  session: {
    // am: 1 when its agent may have missed an offer since offering it (see 40-state.lua). pw:
    // where it waits, 1 its group's queue, 2 its target's personal queue (see 30-heaps.lua).
    numbers: ['ch', 'pri', 'legal', 'ws', 'minp', 'rank', 'seq', 'offAt', 'exp', 'accAt', 'wrap', 'qAt', 'ofAt', 'ofd', 'ring', 'stint', 'tgtU', 'pw', 'am'],
    // dls: its deadlines in P:dl, each member's first 81 bytes (the rest is the session id). Its
    // history sits apart (P:h:<session>): appended to, never read by the script.
    strings: ['g', 'st', 'ag', 'via', 'tgt', 'po', 'misses', 'dls'],
    json: ['misses'],
    nulFree: ['st', 'misses', 'dls'],
    required: ['ch', 'pri', 'legal', 'ws', 'minp', 'rank', 'seq', 'stint', 'ofd', 'qAt'],
  },
} as const satisfies Record<string, Layout>;

export type RecordKind = keyof typeof LAYOUTS;

/** The struct format of a layout. */
export function structFormat(layout: Layout): string {
  const nulFree = new Set(layout.nulFree);
  return `<d${'d'.repeat(layout.numbers.length)}${layout.strings.map((name) => (nulFree.has(name) ? 's' : 'I4c0')).join('')}`;
}

// ---------------------------------------------------------------- the script's codec (Lua)

const luaString = (s: string): string => `'${s}'`;

/** The keys leading to a number in the Lua record (stats flattened, see NumberPath; per-channel lists per luaLists). */
function luaKeys(layout: Layout, path: NumberPath): (string | number)[] {
  if (typeof path === 'string') return [path];
  if (path.length === 3) return [path[0], path[1] * STATS.length + path[2]];
  const shared = layout.luaLists?.[path[0]];
  return shared ? [shared[0], shared[1] + path[1]] : [...path];
}

/** A number in the encoder: a field (NaN when absent), or an element of a list held in local l_<field>. */
function luaEncoded(layout: Layout, path: NumberPath): string {
  const [field, ...indexes] = luaKeys(layout, path);
  if (indexes.length === 0) return layout.required?.includes(field as string) ? `r.${field}` : `r.${field} or NAN`;
  return `l_${field}${indexes.map((i) => `[${i}]`).join('')}`;
}

/** A Lua table constructor holding the numbers of the layout (nested per-channel tables too), a field's NaN read as nil. */
function luaConstructor(layout: Layout, strings: string[]): string {
  interface Node {
    fields: Map<string | number, Node | string>;
  }
  const root: Node = { fields: new Map() };
  layout.numbers.forEach((path, i) => {
    const optional = typeof path === 'string' && !layout.required?.includes(path);
    const value = optional ? `n${i + 1} == n${i + 1} and n${i + 1} or nil` : `n${i + 1}`;
    const keys = luaKeys(layout, path);
    let node = root;
    for (const k of keys.slice(0, -1)) {
      let next = node.fields.get(k);
      if (next === undefined || typeof next === 'string') {
        next = { fields: new Map() };
        node.fields.set(k, next);
      }
      node = next;
    }
    node.fields.set(keys[keys.length - 1]!, value);
  });
  // Keys 1, 2, 3… in order go positionally (the array part); others by name or [index].
  const render = (node: Node, extra: string[] = []): string => {
    let next = 1;
    const entries = [...node.fields].map(([k, v]) => {
      const value = typeof v === 'string' ? v : render(v);
      if (k === next) {
        next++;
        return value;
      }
      return `${typeof k === 'number' ? `[${k}]` : k} = ${value}`;
    });
    return `{ ${[...entries, ...extra].join(', ')} }`;
  };
  return render(root, strings);
}

function luaKind(kind: string, layout: Layout): string {
  const numberNames = layout.numbers.map((_, i) => `n${i + 1}`);
  const stringNames = layout.strings.map((_, i) => `s${i + 1}`);
  const json = new Set(layout.json);
  const lazy = new Set(layout.lazy);
  const kept = new Set(layout.kept);
  const format = luaString(structFormat(layout));
  const lines: string[] = [];
  // One constructor with every field (decode and encode are set below): sized once. The struct
  // format is a constant of decode and encode (no field to read per record).
  lines.push(`L.${kind} = { decode = false, encode = false }`);
  // decode: every number and string into the record, with its id, key and blob (id from the key;
  // _key, _blob: the store's). A JSON string decoded at once ('[]' as the shared empty list: no
  // call), a lazy one's text under the private key _<name>; a kept one's value under __<name> too,
  // its text under _<name>. One constructor: Lua sizes the table once (filling an empty table
  // field by field would rehash it again and again). Presence by arithmetic, not bit.band (a call
  // into C per string): an absent string is packed empty, so a non-empty one is present and only
  // an empty one needs its bit.
  lines.push(`function L.${kind}.decode(b, key${kind === 'meta' ? '' : ', id'})`);
  lines.push(`  local m, ${[...numberNames, ...stringNames].join(', ')} = unpack_(${format}, b)`);
  const present = (i: number) => `s${i + 1} ~= '' and s${i + 1} or m % ${2 ** (i + 1)} >= ${2 ** i} and '' or nil`;
  const strings = layout.strings.flatMap((name, i) => {
    if (!json.has(name)) return [`${name} = ${present(i)}`];
    if (lazy.has(name)) return [`_${name} = ${present(i)}`];
    // Present JSON text is never empty.
    const s = `s${i + 1}`;
    lines.push(`  local j${i + 1} = ${s} ~= '' and (${s} == '[]' and EMPTY or decode_(${s})) or nil`);
    return kept.has(name) ? [`${name} = j${i + 1}`, `__${name} = j${i + 1}`, `_${name} = ${s} ~= '' and ${s} or nil`] : [`${name} = j${i + 1}`];
  });
  lines.push(`  return ${luaConstructor(layout, [...(kind === 'meta' ? [] : ['id = id']), ...strings, '_key = key', '_blob = b'])}`);
  lines.push('end');
  // encode: a lazy JSON string is its old text when the record holds no value for it (never
  // touched), a kept one while the record still holds the value it was read with; else the text
  // to[name](r, value) makes.
  lines.push(`function L.${kind}.encode(r, to)`);
  lines.push('  local m = 0');
  layout.strings.forEach((name, n) => {
    const s = `s${n + 1}`;
    if (lazy.has(name)) {
      lines.push(`  local ${s} = r.${name}`);
      lines.push(`  if ${s} == nil then ${s} = r._${name} else ${s} = to.${name}(r, ${s}) end`);
    } else if (kept.has(name)) {
      lines.push(`  local ${s} = r.${name}`);
      lines.push(`  if ${s} == r.__${name} then ${s} = r._${name} else ${s} = to.${name}(r, ${s}) end`);
    } else if (json.has(name)) {
      lines.push(`  local ${s} = r.${name}`);
      lines.push(`  if ${s} == EMPTY then ${s} = '[]' elseif ${s} ~= nil then ${s} = to.${name}(r, ${s}) end`);
    } else {
      lines.push(`  local ${s} = r.${name}`);
    }
    lines.push(`  if ${s} then m = m + ${2 ** n} else ${s} = '' end`);
  });
  // A list is read once (not once per element); a missing element fails the pack (a bug), loudly.
  const lists = [...new Set(layout.numbers.flatMap((path) => (typeof path === 'string' ? [] : [luaKeys(layout, path)[0]!])))];
  for (const field of lists) lines.push(`  local l_${field} = r.${field}`);
  const nulFree = new Set(layout.nulFree);
  const args = ['m', ...layout.numbers.map((path) => luaEncoded(layout, path)), ...layout.strings.map((name, n) => (nulFree.has(name) ? `s${n + 1}` : `#s${n + 1}, s${n + 1}`))];
  lines.push(`  return pack_(${format}, ${args.join(', ')})`);
  lines.push('end');
  return lines.join('\n');
}

/**
 * The Lua part defining `L`: per record kind, decode(blob, key, id) → record and
 * encode(record, toJson) → blob; L.empty, the empty list an empty JSON list decodes to (shared:
 * the script replaces such lists, never adds to them in place).
 */
export function luaCodecSource(): string {
  const parts = [
    '-- Routing script, part 1b (generated from layout.ts): packed records.',
    'do',
    'local EMPTY = {}',
    `L = { empty = EMPTY, ${Object.keys(LAYOUTS).map((kind) => `${kind} = false`).join(', ')} }`,
    'local unpack_, pack_, decode_ = struct.unpack, struct.pack, cjson.decode',
    'local NAN = 0 / 0',
    ...Object.entries(LAYOUTS).map(([kind, layout]) => luaKind(kind, layout)),
    'end',
  ];
  return parts.join('\n');
}

// ---------------------------------------------------------------- decoding in TypeScript (views)

/** A decoded record: numbers and strings by name; per-channel numbers as arrays, stats as arrays of arrays. */
export type DecodedRecord = Record<string, unknown>;

export function decodeRecord(layout: Layout, buf: Buffer, id?: string): DecodedRecord {
  const r: DecodedRecord = id === undefined ? {} : { id };
  const nulFree = new Set(layout.nulFree);
  const mask = buf.readDoubleLE(0);
  let at = 8;
  for (const path of layout.numbers) {
    const raw = buf.readDoubleLE(at);
    at += 8;
    const v = Number.isNaN(raw) ? undefined : raw;
    if (typeof path === 'string') {
      if (v !== undefined) r[path] = v;
    } else if (path.length === 2) {
      const list = (r[path[0]] ??= []) as (number | undefined)[];
      list[path[1]] = v;
    } else {
      const lists = (r[path[0]] ??= []) as (number | undefined)[][];
      (lists[path[1]] ??= [])[path[2] - 1] = v;
    }
  }
  layout.strings.forEach((name, i) => {
    let length: number;
    if (nulFree.has(name)) {
      length = buf.indexOf(0, at) - at;
    } else {
      length = buf.readUInt32LE(at);
      at += 4;
    }
    if (Math.floor(mask / 2 ** i) % 2 === 1) r[name] = buf.toString('utf8', at, at + length);
    at += length + (nulFree.has(name) ? 1 : 0);
  });
  return r;
}
