-- Routing script, part 2: tenant records (meta, groups, agents, sessions). Each is one Redis string
-- in the packed layout of layout.ts (codec L, generated): one GET and one struct.unpack read it
-- whole, one struct.pack and one SET write it back if it changed. Its JSON strings (lists, maps)
-- are decoded only when the code touches them. A configuration's raw JSON sits apart (P:gc, P:ac):
-- decisions never read it.
--
-- Besides the records, one tenant-wide hash indexes what agents need from their groups without
-- reading the groups: P:gx holds, per group and channel, the bit mask of its non-empty session
-- queues (q<c>:<group>, absent when 0).

-- Sized at once (see 05-shared); what only configuring runs is added on first use (defineRare, below).
S = {
  reset = false, m = false, groupConfigured = false, meta = false, prefetchGroups = false, queueMask = false,
  setQueueMask = false, json = false, mapGet = false, mapSet = false, addHeld = false, removeHeld = false,
  group = false, agent = false, session = false, sessions = false, sessionList = false, peekSession = false,
  newSession = false, deleteSession = false, flush = false,
}

-- cache: per kind, the records this call read or created by id (false: it does not exist);
-- list: per kind, those records in the order read or created (S.flush goes through them
-- without pairs, a call into C per record). A session created over one read in the call (an id
-- ended and enqueued again) is listed twice: only the one its id leads to is current.
local cache, list, gx, gxDirty, gxRead

--- A new call: nothing read yet.
function S.reset()
  cache = { g = {}, a = {}, s = {} }
  list = { g = {}, a = {}, s = {} }
  -- The sessions this call read (and may change) or created: by id (id -> session, or false when
  -- it does not exist), and listed in the order read or created (see list, above).
  S.sessions, S.sessionList = cache.s, list.s
  gx = {}
  gxDirty = {}
  gxRead = {}
  -- false, not nil: a field of S read as nil would run its defineRare (below).
  S.m = false
  S.groupConfigured = false
end

-- ---------------------------------------------------------------- JSON strings of records
-- mem is the JSON list of the agent's group ids; their proficiencies, one digit each, in the
-- plain string mp (no table per membership). tg and lo are maps group -> number ({} when
-- empty); the other JSON strings are lists.


local function mapToJson(_, m)
  local k1, v1 = next(m)
  if k1 == nil then return '{}' end
  if next(m, k1) == nil then return '{' .. jsonString(k1) .. ':' .. num(v1) .. '}' end
  local parts, n = {}, 0
  for k, v in pairs(m) do
    n = n + 1
    parts[n] = jsonString(k) .. ':' .. num(v)
  end
  return '{' .. table.concat(parts, ',') .. '}'
end

-- held: a list of session ids, most often of none or one.
local function idsToJson(_, list)
  local n = #list
  if n == 0 then return '[]' end
  if n == 1 then return '[' .. jsonString(list[1]) .. ']' end
  local parts = {}
  for i = 1, n do parts[i] = jsonString(list[i]) end
  return '[' .. table.concat(parts, ',') .. ']'
end

-- misses: most often none.
local function listToJson(_, list)
  if list[1] == nil then return '[]' end
  return C.json(list)
end

local TO_JSON = { mem = idsToJson, tg = mapToJson, lo = mapToJson, held = idsToJson, misses = listToJson }

-- A record is a plain table of its fields (no metatable: an absent field reads as nil without a
-- call); the store's own are private: _key, _blob (the record as read: none when created in this
-- call), _stored (created in this call over one that was stored), and the codec's _<name> and
-- __<name> (an agent's JSON strings, see layout.ts).
--
-- An agent's held, tg and lo are decoded on first use, by the code that uses them (S.json): an
-- offer or a release needs them, most reads of an agent do not (mem, read by nearly every use,
-- is decoded with the record).
local TEXT = { tg = '_tg', lo = '_lo', held = '_held' }

--- The agent's JSON string f (held, tg or lo), decoded on its first use in the call.
function S.json(a, f)
  local v = a[f]
  if v == nil then
    local text = a[TEXT[f]]
    v = (text == '[]' or text == '{}') and {} or cjson.decode(text)
    a[f] = v
  end
  return v
end

-- An agent's held sessions change by one id at a time (offered, ended): while the list is not
-- decoded, the change is made on its text, as idsToJson would write it (no cjson decoding, no
-- table, no encoding).

--- Adds id at the end of the agent's held sessions.
function S.addHeld(a, id)
  local list = a.held
  if list then
    list[#list + 1] = id
    return
  end
  local text = a._held
  if text == '[]' then
    a._held = '[' .. jsonString(id) .. ']'
  else
    a._held = sub(text, 1, -2) .. ',' .. jsonString(id) .. ']'
  end
end

--- Removes the first id from the agent's held sessions.
function S.removeHeld(a, id)
  local list = a.held
  if list == nil then
    if a._held == '[' .. jsonString(id) .. ']' then
      a._held = '[]'
      return
    end
    list = S.json(a, 'held')
  end
  for i = 1, #list do
    if list[i] == id then
      table.remove(list, i)
      return
    end
  end
end

-- An agent's tg and lo maps change (an offer) and are read (round-robin keys) one key at a time:
-- while a map is not decoded, that is done on its text, as mapToJson writes it. Decoding one and
-- encoding it again costs ~20k instructions (a table, pairs, a string per entry, table.concat);
-- finding the key costs a few calls into C. The changed text keeps its keys' order, new keys last
-- (the same map).

--- Where the value of key text jk sits in map text: its first and last byte; nil when the key is
--- not in it; false when the text holds jk other than as a key (inside another key's text).
--- Values are numbers: a comma, or the closing brace, ends one. Inside a JSON string every '"'
--- is escaped, so jk preceded by '{' or ',' is a key.
local function locate(text, jk)
  local at = find(text, jk, 2, true)
  if not at then return nil end
  local before = byte(text, at - 1)
  if before ~= 123 and before ~= 44 then return false end
  local e = find(text, ',', at + #jk + 1, true)
  return at + #jk + 1, (e or #text) - 1
end

--- The value of key k in the agent's map f (tg or lo), or nil.
function S.mapGet(a, f, k)
  local map = a[f]
  if map == nil then
    local text = a[TEXT[f]]
    if text == '{}' or text == '[]' then return nil end
    local from, to = locate(text, jsonString(k))
    if from then return tonumber(sub(text, from, to)) end
    if from == nil then return nil end
    map = S.json(a, f)
  end
  return map[k]
end

--- Sets key k of the agent's map f (tg or lo) to v, or (add) adds v to its value (0 when absent).
function S.mapSet(a, f, k, v, add)
  local map = a[f]
  if map == nil then
    local key = TEXT[f]
    local text = a[key]
    local jk = jsonString(k)
    if text == '{}' or text == '[]' then
      a[key] = '{' .. jk .. ':' .. num(v) .. '}'
      return
    end
    local from, to = locate(text, jk)
    if from == nil then
      a[key] = sub(text, 1, -2) .. ',' .. jk .. ':' .. num(v) .. '}'
      return
    end
    if from then
      if add then v = tonumber(sub(text, from, to)) + v end
      a[key] = sub(text, 1, from - 1) .. num(v) .. sub(text, to + 1)
      return
    end
    map = S.json(a, f)
  end
  if add then v = (map[k] or 0) + v end
  map[k] = v
end

-- A session's only JSON string (misses) is decoded with the record. No misses (the common case) is
-- the codec's shared empty list: the code replaces a session's misses, it never adds to them in place.
local NO_MISSES = L.empty

--- The record at key (of id: the key's last part, not stored in the record), or false when it does
--- not exist; held by this call (cache and list of k: g, a or s) when k is given.
local function open(key, kind, id, k)
  local blob = redis.call('GET', key)
  local r = blob and L[kind].decode(blob, key, id) or false
  if k then
    cache[k][id] = r
    if r then
      local l = list[k]
      l[#l + 1] = r
    end
  end
  return r
end

--- A record created in this call: a plain table, written whole.
local function create(key, r)
  r._key = key
  return r
end

--- Holds the record (of kind k: g, a or s) read or created in this call under its id.
local function hold(k, id, r)
  cache[k][id] = r
  if r then
    local l = list[k]
    l[#l + 1] = r
  end
  return r
end

--- Queue the record's blob for writing (writes, a list of key, blob pairs) if it changed.
local function save(r, codec, writes)
  local blob = codec.encode(r, TO_JSON)
  if blob ~= r._blob then
    local n = #writes
    writes[n + 1] = r._key
    writes[n + 2] = blob
  end
end

-- ---------------------------------------------------------------- meta

function S.meta()
  if S.m then return S.m end
  local r = open(K.meta, 'meta')
    or create(K.meta, { seq = 0, oseq = 0, nday = -math.huge, ended = 0, aband = 0, acount = 0, gcount = 0, dseq = 0 })
  S.m = r
  return r
end

-- ---------------------------------------------------------------- group index (P:gx)

-- Its fields: per group and channel c, 'q' .. DIGIT[c] .. ':' .. group id (the queue mask).

--- Loads the index fields not read yet in this call, in one HMGET.
local function gxLoad(fields)
  local missing, count = {}, 0
  for n = 1, #fields do
    local f = fields[n]
    if gx[f] == nil then
      count = count + 1
      missing[count] = f
    end
  end
  if count == 0 then return end
  local values = redis.call('HMGET', K.gx, unpack(missing, 1, count))
  for n = 1, count do
    local f, v = missing[n], values[n]
    v = v and tonumber(v) or v
    gx[f] = v
    gxRead[f] = v
  end
end

--- What an agent's release reads from its groups, fetched together: the queue masks of the
--- channels it has capacity on, for each membership.
function S.prefetchGroups(a)
  local fields, n, mem, ch = {}, 0, a.mem, a.chan
  for m = 1, #mem do
    local gid = mem[m]
    for c = 0, 4 do
      if ch[5 + c] > 0 then
        n = n + 1
        fields[n] = 'q' .. DIGIT[c] .. ':' .. gid
      end
    end
  end
  gxLoad(fields)
end

--- Bit `level` set when the group's queue (channel c, level) is not empty.
function S.queueMask(gid, c)
  local f = 'q' .. DIGIT[c] .. ':' .. gid
  if gx[f] == nil then gxLoad({ f }) end
  return gx[f] or 0
end

function S.setQueueMask(gid, c, mask)
  local f = 'q' .. DIGIT[c] .. ':' .. gid
  gx[f] = mask ~= 0 and mask or false
  gxDirty[f] = true
end

local function saveIndex()
  if next(gxDirty) == nil then return end
  local set, gone = {}, {}
  for f in pairs(gxDirty) do
    local v = gx[f]
    if v == gxRead[f] then
      -- unchanged (a session queued and offered in the same call leaves its queue as it was)
    elseif v then
      set[#set + 1] = f
      set[#set + 1] = type(v) == 'number' and num(v) or v
    else
      gone[#gone + 1] = f
    end
  end
  if #gone > 0 then redis.call('HDEL', K.gx, unpack(gone)) end
  if #set > 0 then redis.call('HSET', K.gx, unpack(set)) end
end

-- ---------------------------------------------------------------- groups
-- st: stats, 7 per channel, channel c's at st[c * 7 + 1 .. c * 7 + 7]: waiting, answered,
-- answeredWithinSla, waitMsTotal, handled, handleMsTotal, abandoned (one flat list: a group read
-- builds one table for them, not one per channel). Whatever changes a group sets its _w (see
-- S.flush): only 40-state does.

function S.group(id)
  local g = cache.g[id]
  if g == nil then
    g = open(K.group(id), 'group', id, 'g')
  end
  return g or nil
end

-- ---------------------------------------------------------------- agents
-- mem: its groups' ids; mp: their proficiencies (a digit each). hm: bit c set when the agent sits in the
-- agent heap of channel c (of every group of its); hk: dec16(ord) (the members' ordinal text), then
-- per membership, in mem order, the 32-hex order key it is filed under (hexd(k1) .. hexd(k2)),
-- when hm is not 0. tg/lo: sessions today and latest offer seq
-- per group. chan: per channel c, its load chan[c], capacity chan[5 + c] and the sessions waiting in
-- its personal queue chan[10 + c] (one table: layout.ts luaLists).

function S.agent(id)
  local a = cache.a[id]
  if a == nil then
    a = open(K.agent(id), 'agent', id, 'a')
  end
  return a or nil
end

-- ---------------------------------------------------------------- sessions
-- seq identifies one incarnation of an id (deadlines and queue members carry it); misses are
-- { agentId, kind, until, cooledDown 0|1 }; pw/po: where it waits (its group's queues or its
-- target's personal queue; its overflow group: see A.unplace). Its history is a key of its own, P:h:<session>: JSON objects
-- each preceded by a comma, appended to (APPEND) at the end of a call with the entries the call
-- made (_h), never read here. Kept in the record, it was hashed with it on every read (GET
-- reply, unpack) and write (pack), and copied whole on every entry.

function S.session(id)
  local s = cache.s[id]
  if s == nil then
    s = open(K.session(id), 'session', id, 's')
  end
  if not s or s._deleted then return nil end
  return s
end

--- The session for reading only (nothing of it will be written in this call): the one this call
--- holds, or a fresh read it does not keep.
function S.peekSession(id)
  local s = cache.s[id]
  if s == nil then return open(K.session(id), 'session', id) or nil end
  if not s or s._deleted then return nil end
  return s
end

-- P:live follows the sessions at the end of the call (S.flush): a session stored before the call
-- is a member, one that ends the call deleted leaves, one created in the call joins.

function S.newSession(id)
  -- Sized at once for what interaction.queued fills in (it sets every placeholder; the table would
  -- otherwise grow from two slots, rehashed four times). A field set to nil keeps its slot.
  local s = {
    id = id, misses = NO_MISSES, ch = 0, g = 0, pri = 0, legal = 0, ws = 0, minp = 0, rank = 0, seq = 0, st = 0,
    stint = 0, ofd = 0, qAt = 0, tgt = 0, tgtU = 0, ofAt = 0, ring = 0, dls = 0, _h = 0, _key = 0,
  }
  s.dls, s._h = nil, nil
  -- An id ended and enqueued again in the same call: its record was stored before the call.
  local was = cache.s[id]
  hold('s', id, create(K.session(id), s))
  if was and (was._blob or was._stored) then s._stored = true end
  return s
end

function S.deleteSession(s)
  s._deleted = true
end

-- ---------------------------------------------------------------- write back

--- redis.call(command, [key,] items...) in runs of at most 1000 items (unpack is bounded by
--- Lua's C stack; a new day writes every agent). MSET's items are key, blob pairs.
local function callAll(command, key, items)
  for at = 1, #items, 1000 do
    local last = math.min(at + 999, #items)
    if key then
      redis.call(command, key, unpack(items, at, last))
    else
      redis.call(command, unpack(items, at, last))
    end
  end
end

-- One MSET for the changed records of the call, one DEL for its ended sessions: a few commands
-- per call rather than two or three per decision, to run and to replicate.
function S.flush()
  local writes, gone, joined, left, appends = {}, {}, {}, {}, nil
  if S.m then save(S.m, L.meta, writes) end
  saveIndex()
  -- A group read is written only if 40-state marked it written (_w: its stats or configuration),
  -- or if it is new: most are read for their configuration and strategy alone, and packing one
  -- (~50 numbers) to compare it costs more than the marks.
  local l = list.g
  for i = 1, #l do
    local g = l[i]
    if g._w or not g._blob then save(g, L.group, writes) end
  end
  l = list.a
  for i = 1, #l do save(l[i], L.agent, writes) end
  l = list.s
  local current = cache.s
  for i = 1, #l do
    local s = l[i]
    local id = s.id
    if current[id] == s then
      local stored = s._blob or s._stored
      if s._deleted then
        if stored then
          gone[#gone + 1] = K.session(id)
          gone[#gone + 1] = K.history(id)
          left[#left + 1] = id
        end
      else
        save(s, L.session, writes)
        if not stored then joined[#joined + 1] = id end
        local h = s._h
        if s._blob then
          if h then
            appends = appends or {}
            appends[#appends + 1] = K.history(id)
            appends[#appends + 1] = h
          end
        elseif h then
          -- A session created in this call: its history starts here (over an earlier incarnation's).
          local n = #writes
          writes[n + 1] = K.history(id)
          writes[n + 2] = h
        elseif stored then
          gone[#gone + 1] = K.history(id)
        end
      end
    end
  end
  callAll('MSET', nil, writes)
  if appends then
    for n = 1, #appends, 2 do redis.call('APPEND', appends[n], appends[n + 1]) end
  end
  callAll('DEL', nil, gone)
  callAll('SREM', K.live, left)
  callAll('SADD', K.live, joined)
end

-- What only configuring groups and agents runs: defined on first use (see C.definedOnFirstUse).
local function defineRare()
  -- A value longer than 64 bytes keeps P:gx a hashtable (O(1) reads) rather than a listpack, which
  -- Redis scans for every field read while the hash is small.
  local GX_FILLER = 'keeps this hash a hashtable: constant-time field reads, where a listpack scans'

  --- A new group's index entry: the filler comes with it (the hash's first write is a group's).
  function S.indexGroup()
    gx._ = GX_FILLER
    gxDirty._ = true
  end

  -- The configurations' raw JSON.
  function S.groupConfig(gid)
    return redis.call('GET', K.groupConfig(gid))
  end

  function S.setGroupConfig(gid, raw)
    redis.call('SET', K.groupConfig(gid), raw)
  end

  function S.setAgentConfig(aid, raw)
    redis.call('SET', K.agentConfig(aid), raw)
  end

  function S.newGroup(id, idx)
    local g = { id = id, idx = idx, hv = 0, st = {} }
    for i = 1, 35 do g.st[i] = 0 end
    hold('g', id, create(K.group(id), g))
    redis.call('RPUSH', K.groups, id)
    return g
  end

  function S.newAgent(id, ord, at)
    local a = {
      id = id, ord = ord, pres = 'offline', since = at, idle = at, today = 0, misses = 0, tl = 0, tc = 0, vx = 0, hm = 0,
      held = {}, chan = { [0] = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, mem = {}, tg = {}, lo = {},
    }
    hold('a', id, create(K.agent(id), a))
    redis.call('RPUSH', K.agents, id)
    return a
  end
end

C.definedOnFirstUse(S, defineRare)
