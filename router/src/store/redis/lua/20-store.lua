-- Routing script, part 2: tenant records (meta, groups, agents, sessions), Redis hashes read lazily
-- into Lua tables and written back as only the hash fields whose value changed.
--
-- A record's scalar fields come in one HMGET when the record is first named (that also tells
-- whether it exists); each list (JSON), per-channel vector (l0..l4) and per-key map (tg:<group>)
-- is fetched the first time the code touches it. Unread fields are never decoded nor written.
-- What was read is kept as a snapshot; flush compares and formats only what changed.

local num, fmt, sub = C.num, string.format, string.sub
local cache
-- record or sub-table -> { key, kind, snap = values as read, loaded = fields fetched (or written blind) }
local info

--- A new call: nothing read yet.
function S.reset()
  cache = { g = {}, a = {}, s = {} }
  info = {}
  S.m = nil
end

local function copy(t)
  local out = {}
  for k, x in pairs(t) do out[k] = type(x) == 'table' and copy(x) or x end
  return out
end

--- Deep equality of values as read and as they are now (lists, and tables like memberships).
local function same(x, y)
  if x == y then return true end
  if type(x) ~= 'table' or type(y) ~= 'table' or #x ~= #y then return false end
  for k, v in pairs(x) do
    if not same(v, y[k]) then return false end
  end
  for k in pairs(y) do
    if x[k] == nil then return false end
  end
  return true
end

-- Field names, built once when the library loads.
local function perChannel(prefix)
  local t = {}
  for c = 0, 4 do t[c] = prefix .. c end
  return t
end

-- ---------------------------------------------------------------- sub-tables
-- A vector: five numeric hash fields (prefix .. channel), all fetched with one HMGET on first touch.
-- A map: hash fields prefix .. key, fetched one key at a time (decode turns the text into a value).

local function loadVector(t)
  local i = info[t]
  i.loaded = true
  local values = redis.call('HMGET', i.key, unpack(i.names, 0, 4))
  local snap = i.snap
  for k = 0, 4 do
    local v = values[k + 1]
    if v then
      v = tonumber(v)
      rawset(t, k, v)
      snap[k] = v
    end
  end
end

local vectorMeta = {
  __index = function(t, c)
    if info[t].loaded then return nil end
    loadVector(t)
    return rawget(t, c)
  end,
  __newindex = function(t, c, v)
    if not info[t].loaded then loadVector(t) end
    rawset(t, c, v)
  end,
}

local function vector(key, names)
  local t = setmetatable({}, vectorMeta)
  info[t] = { key = key, names = names, snap = {} }
  return t
end

local mapMeta = {
  __index = function(t, k)
    local i = info[t]
    if i.loaded[k] then return nil end
    i.loaded[k] = true
    local text = redis.call('HGET', i.key, i.prefix .. k)
    if not text then return nil end
    local v = i.decode(text)
    rawset(t, k, v)
    i.snap[k] = type(v) == 'table' and copy(v) or v
    return v
  end,
  __newindex = function(t, k, v)
    -- Written without being read ('w'): when it becomes nil, the field goes whatever it held.
    local loaded = info[t].loaded
    if not loaded[k] then loaded[k] = 'w' end
    rawset(t, k, v)
  end,
}

local function map(key, prefix, decode)
  local t = setmetatable({}, mapMeta)
  info[t] = { key = key, prefix = prefix, decode = decode, snap = {}, loaded = {} }
  return t
end

local function encode(v)
  local t = type(v)
  if t == 'number' then return num(v) end
  if t == 'table' then return C.json(v) end
  return v
end

--- Changed fields of a sub-table into set/gone (a vector's names, or a map's prefix).
local function diffSub(t, set, gone)
  local i = info[t]
  local snap, names = i.snap, i.names
  for k, v in pairs(t) do
    if not same(v, snap[k]) then
      set[#set + 1] = names and names[k] or i.prefix .. k
      set[#set + 1] = encode(v)
    end
  end
  if names then
    for k in pairs(snap) do
      if rawget(t, k) == nil then gone[#gone + 1] = names[k] end
    end
  else
    for k, how in pairs(i.loaded) do
      if rawget(t, k) == nil and (snap[k] ~= nil or how == 'w') then gone[#gone + 1] = i.prefix .. k end
    end
  end
end

--- A sub-table the code replaced by a plain table (a new day, a new configuration): the old
--- one's fields go (a map's: every field with its prefix), the new one's are written.
local function replaceSub(key, spec, t, set, gone, fresh)
  if spec.prefix and not fresh then
    local n = #spec.prefix
    for _, f in ipairs(redis.call('HKEYS', key)) do
      if sub(f, 1, n) == spec.prefix then gone[#gone + 1] = f end
    end
  end
  for k, v in pairs(t) do
    set[#set + 1] = spec.names and spec.names[k] or spec.prefix .. k
    set[#set + 1] = encode(v)
  end
end

local function write(key, set, gone)
  -- A field both dropped (old map) and written (new map) is written: HDEL first.
  if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
  if #set > 0 then redis.call('HSET', key, unpack(set)) end
end

-- ---------------------------------------------------------------- records
-- kind = { scalars = names in HMGET order, text = scalars kept as strings, lazy = field -> loader,
--          lists = list fields (JSON), subs = sub-table field -> { vector names | map prefix },
--          toJson / fromJson = a list's conversion (mem) }

local function loadScalars(r, i)
  local kind = i.kind
  local values = redis.call('HMGET', i.key, unpack(kind.scalars))
  local snap = i.snap
  for n, f in ipairs(kind.scalars) do
    local v = values[n]
    if v then
      if not kind.text[f] then v = tonumber(v) end
      rawset(r, f, v)
      snap[f] = v
    end
  end
end

local recordMeta = {
  __index = function(r, f)
    local i = info[r]
    local load = i.kind.lazy[f]
    if load == nil or i.loaded[f] then return nil end
    i.loaded[f] = true
    local v = load(r, i, f)
    if v ~= nil then rawset(r, f, v) end
    return v
  end,
  __newindex = function(r, f, v)
    local i = info[r]
    if i.kind.lazy[f] and not i.loaded[f] then i.loaded[f] = 'w' end
    rawset(r, f, v)
  end,
}

--- A record read whole (HGETALL: one pass over a small hash, where HMGET of most of its fields
--- would search it once per field); its lists are decoded now.
local function loadWhole(r, i)
  local kind = i.kind
  local flat = redis.call('HGETALL', i.key)
  local snap, loaded = i.snap, i.loaded
  for n = 1, #flat, 2 do
    local f, v = flat[n], flat[n + 1]
    if kind.lists[f] then
      v = cjson.decode(v)
      snap[f] = copy(v)
      loaded[f] = true
    elseif not kind.text[f] then
      v = tonumber(v)
      snap[f] = v
    else
      snap[f] = v
    end
    rawset(r, f, v)
  end
end

--- The record at key, or nil when it does not exist (its first scalar, the id, is absent).
local function open(key, kind)
  local r = setmetatable({}, recordMeta)
  local i = { key = key, kind = kind, snap = {}, loaded = {} }
  info[r] = i
  if kind.whole then loadWhole(r, i) else loadScalars(r, i) end
  if rawget(r, kind.scalars[1]) == nil then return nil end
  return r
end

local function listLoader(r, i, f)
  local text = redis.call('HGET', i.key, f)
  if not text then return nil end
  local v = cjson.decode(text)
  local from = i.kind.fromJson and i.kind.fromJson[f]
  if from then v = from(v) end
  i.snap[f] = copy(v)
  return v
end

local function textLoader(r, i, f)
  local v = redis.call('HGET', i.key, f)
  if not v then return nil end
  i.snap[f] = v
  return v
end

local function vectorLoader(names)
  return function(r, i) return vector(i.key, names) end
end

local function mapLoader(prefix, decode)
  return function(r, i) return map(i.key, prefix, decode) end
end

--- Write back what changed since the record was read (all of it for a record created in this call).
local function save(r)
  local i = info[r]
  local kind = i.kind
  local set, gone = {}, {}
  local snap = i.snap
  if i.new then
    for f, v in pairs(r) do
      local spec = kind.subs[f]
      if spec then
        replaceSub(i.key, spec, v, set, gone, true)
      else
        local to = kind.toJson and kind.toJson[f]
        set[#set + 1] = f
        set[#set + 1] = encode(to and to(v) or v)
      end
    end
    return write(i.key, set, gone)
  end
  for _, f in ipairs(kind.scalars) do
    local v = rawget(r, f)
    if v ~= snap[f] then
      if v == nil then
        gone[#gone + 1] = f
      else
        set[#set + 1] = f
        set[#set + 1] = encode(v)
      end
    end
  end
  for f, how in pairs(i.loaded) do
    local v = rawget(r, f)
    local spec = kind.subs[f]
    if spec then
      -- Sub-tables are never dropped, only replaced.
      if info[v] then
        diffSub(v, set, gone)
      else
        replaceSub(i.key, spec, v, set, gone)
      end
    elseif v == nil then
      if snap[f] ~= nil or how == 'w' then gone[#gone + 1] = f end
    elseif not same(v, snap[f]) then
      local to = kind.toJson and kind.toJson[f]
      set[#set + 1] = f
      set[#set + 1] = encode(to and to(v) or v)
    end
  end
  write(i.key, set, gone)
end

--- A record created in this call: a plain table, written whole.
local function create(key, kind, r)
  info[r] = { key = key, kind = kind, new = true }
  return r
end

local function set(list)
  local t = {}
  for _, x in ipairs(list) do t[x] = true end
  return t
end

-- ---------------------------------------------------------------- meta

local META_FIELDS = { 'seq', 'oseq', 'nday', 'ended', 'aband', 'acount', 'gcount', 'dseq' }

function S.meta()
  if S.m then return S.m end
  local values = redis.call('HMGET', K.meta, unpack(META_FIELDS))
  local r, snap = {}, {}
  for n, f in ipairs(META_FIELDS) do
    local v = values[n] and tonumber(values[n])
    snap[f] = v
    r[f] = v or 0
  end
  if snap.nday == nil then r.nday = -math.huge end
  S.m = r
  S.mSnap = snap
  return r
end

local function saveMeta()
  local r, snap = S.m, S.mSnap
  local set = {}
  for _, f in ipairs(META_FIELDS) do
    local v = r[f]
    if v ~= snap[f] and v ~= -math.huge then
      set[#set + 1] = f
      set[#set + 1] = num(v)
    end
  end
  if #set > 0 then redis.call('HSET', K.meta, unpack(set)) end
end

-- ---------------------------------------------------------------- groups
-- qm[c]: bit `level` set when that queue is not empty; st[c]: stats per channel
-- { waiting, answered, answeredWithinSla, waitMsTotal, handled, handleMsTotal, abandoned }.

local GROUP = {
  scalars = { 'id', 'idx', 'tema', 'cat', 'lvl', 'sla', 'strat', 'ofA', 'ofG', 'wrap', 'ring', 'esc', 'hh', 'hv' },
  text = set({ 'id', 'tema', 'cat', 'strat', 'ofG', 'esc' }),
  subs = { qm = { names = perChannel('qm') }, st = { prefix = 'st' } },
}
GROUP.lazy = { cfg = textLoader, qm = vectorLoader(GROUP.subs.qm.names), st = mapLoader('st', cjson.decode) }

function S.group(id)
  local g = cache.g[id]
  if g == nil then
    g = open(K.group(id), GROUP) or false
    cache.g[id] = g
  end
  return g or nil
end

function S.newGroup(id, idx)
  local g = { id = id, idx = idx, hv = 0, qm = {}, st = {} }
  for c = 0, 4 do
    g.qm[c] = 0
    g.st[c] = { 0, 0, 0, 0, 0, 0, 0 }
  end
  cache.g[id] = create(K.group(id), GROUP, g)
  redis.call('RPUSH', K.groups, id)
  return g
end

-- ---------------------------------------------------------------- agents
-- mem: memberships { g = groupId, p = proficiency }; slots[m * 5 + c]: the member the agent is
-- filed under in heap (mem[m + 1].g, c, p); tg/lo: sessions today and latest offer seq per group;
-- pn[c]: sessions waiting in the agent's personal queue of channel c.

local function memFromJson(list)
  local out = {}
  for n, x in ipairs(list) do out[n] = { g = x[1], p = x[2] } end
  return out
end

local function memToJson(mem)
  local out = {}
  for n, x in ipairs(mem) do out[n] = { x.g, x.p } end
  return out
end

local AGENT = {
  scalars = { 'id', 'ord', 'pres', 'reason', 'since', 'idle', 'today', 'misses', 'tl', 'tc', 'vx' },
  text = set({ 'id', 'pres', 'reason' }),
  subs = {
    load = { names = perChannel('l') },
    cap = { names = perChannel('c') },
    pn = { names = perChannel('p') },
    slots = { prefix = 'sm:' },
    tg = { prefix = 'tg:' },
    lo = { prefix = 'lo:' },
  },
  fromJson = { mem = memFromJson },
  toJson = { mem = memToJson },
}

--- All heap slots of the agent in one HMGET (refreshAgent reads every one of them).
local function slotsLoader(r, i)
  local t = map(i.key, 'sm:', tostring)
  local slots = info[t]
  local mem = r.mem
  local n = #mem * 5
  if n == 0 then return t end
  local names = {}
  for slot = 0, n - 1 do names[slot + 1] = 'sm:' .. slot end
  local values = redis.call('HMGET', i.key, unpack(names))
  for slot = 0, n - 1 do
    local v = values[slot + 1]
    slots.loaded[slot] = true
    if v then
      rawset(t, slot, v)
      slots.snap[slot] = v
    end
  end
  return t
end

AGENT.lazy = {
  cfg = textLoader, offers = listLoader, sess = listLoader, mem = listLoader,
  load = vectorLoader(AGENT.subs.load.names), cap = vectorLoader(AGENT.subs.cap.names), pn = vectorLoader(AGENT.subs.pn.names),
  slots = slotsLoader, tg = mapLoader('tg:', tonumber), lo = mapLoader('lo:', tonumber),
}

function S.agent(id)
  local a = cache.a[id]
  if a == nil then
    a = open(K.agent(id), AGENT) or false
    cache.a[id] = a
  end
  return a or nil
end

function S.newAgent(id, ord, at)
  local a = {
    id = id, ord = ord, pres = 'offline', since = at, idle = at, today = 0, misses = 0, tl = 0, tc = 0, vx = 0,
    offers = {}, sess = {}, load = {}, cap = {}, pn = {}, mem = {}, slots = {}, tg = {}, lo = {},
  }
  for c = 0, 4 do
    a.load[c] = 0
    a.cap[c] = 0
    a.pn[c] = 0
  end
  cache.a[id] = create(K.agent(id), AGENT, a)
  redis.call('RPUSH', K.agents, id)
  return a
end

-- ---------------------------------------------------------------- sessions
-- seq identifies one incarnation of an id (deadlines and queue members carry it); misses are
-- { agentId, kind, until, cooledDown 0|1 }; pp/ph/po/pl: where it waits (personal queue's agent,
-- home group, overflow group, level).

local SESSION = {
  scalars = {
    'id', 'g', 'st', 'ag', 'via', 'tgt', 'pp', 'ph', 'po',
    'ch', 'pri', 'legal', 'ws', 'minp', 'rank', 'seq', 'offAt', 'exp', 'accAt', 'wrap', 'qAt', 'ofAt', 'ofd', 'ring', 'stint', 'tgtU', 'pl',
  },
  text = set({ 'id', 'g', 'st', 'ag', 'via', 'tgt', 'pp', 'ph', 'po' }),
  subs = {},
  lazy = { misses = listLoader },
  lists = { misses = true },
  whole = true,
}

function S.session(id)
  local s = cache.s[id]
  if s == nil then
    s = open(K.session(id), SESSION) or false
    cache.s[id] = s
  end
  if not s or rawget(s, '_deleted') then return nil end
  return s
end

function S.newSession(id)
  local s = { id = id, misses = {} }
  cache.s[id] = create(K.session(id), SESSION, s)
  redis.call('SADD', K.live, id)
  return s
end

function S.deleteSession(s)
  rawset(s, '_deleted', true)
  redis.call('SREM', K.live, s.id)
end

-- ---------------------------------------------------------------- write back

function S.flush()
  if S.m then saveMeta() end
  for _, g in pairs(cache.g) do
    if g then save(g) end
  end
  for _, a in pairs(cache.a) do
    if a then save(a) end
  end
  for id, s in pairs(cache.s) do
    if s and rawget(s, '_deleted') then
      redis.call('DEL', K.session(id), K.history(id))
    elseif s then
      save(s)
    end
  end
end
