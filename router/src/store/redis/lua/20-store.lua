-- Routing script, part 2: tenant records (meta, groups, agents, sessions). Each is a Redis hash,
-- read with one HGETALL when first named and decoded field by field on first touch; flush writes
-- back only the touched fields whose value changed. Every redis.call costs far more than the Lua
-- around it, so a decision reads each record once and writes it once.
--
-- Besides the records, one tenant-wide hash indexes what agents need from their groups without
-- reading the groups: P:gx holds each group's strategy (s:<group>) and, per channel, the bit mask
-- of its non-empty session queues (q<c>:<group>, absent when 0).

local num, sub = C.num, string.sub
local cache, info, gx, gxDirty

--- A new call: nothing read yet.
function S.reset()
  cache = { g = {}, a = {}, s = {} }
  info = {}
  gx = {}
  gxDirty = {}
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

local function encode(v)
  local t = type(v)
  if t == 'number' then return num(v) end
  if t == 'table' then return C.json(v) end
  return v
end

local function perChannel(prefix)
  local t = {}
  for c = 0, 4 do t[c] = prefix .. c end
  return t
end

local function set(list)
  local t = {}
  for _, x in ipairs(list) do t[x] = true end
  return t
end

-- ---------------------------------------------------------------- sub-tables
-- A vector: the five numeric fields names[0..4] of the record's hash. A map: the fields
-- prefix .. key (a key per group), decoded on first touch of each key.

local function vector(raw, names)
  local t = {}
  local snap = {}
  for c = 0, 4 do
    local v = tonumber(raw[names[c]])
    t[c] = v
    snap[c] = v
  end
  info[t] = { names = names, snap = snap }
  return t
end

local mapMeta = {
  __index = function(t, k)
    local i = info[t]
    if i.loaded[k] then return nil end
    i.loaded[k] = true
    local v = i.raw[i.prefix .. k]
    if v == nil then return nil end
    v = tonumber(v)
    rawset(t, k, v)
    i.snap[k] = v
    return v
  end,
  __newindex = function(t, k, v)
    -- Written without being read ('w'): when it becomes nil, the field goes whatever it held.
    local loaded = info[t].loaded
    if not loaded[k] then loaded[k] = 'w' end
    rawset(t, k, v)
  end,
}

local function map(raw, prefix)
  local t = setmetatable({}, mapMeta)
  info[t] = { raw = raw, prefix = prefix, snap = {}, loaded = {} }
  return t
end

--- Changed entries of a sub-table into set/gone.
local function diffSub(t, set, gone)
  local i = info[t]
  local snap, names = i.snap, i.names
  for k, v in pairs(t) do
    if v ~= snap[k] then
      set[#set + 1] = names and names[k] or i.prefix .. k
      set[#set + 1] = num(v)
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

--- A map the code replaced by a plain table (a new day): every field with its prefix goes, the
--- new table's entries are written.
local function replaceMap(raw, prefix, t, set, gone)
  local n = #prefix
  for f in pairs(raw) do
    if sub(f, 1, n) == prefix then gone[#gone + 1] = f end
  end
  for k, v in pairs(t) do
    set[#set + 1] = prefix .. k
    set[#set + 1] = num(v)
  end
end

-- ---------------------------------------------------------------- records
-- kind.fields: field -> 'n' number, 's' text, 'l' JSON list, 'v' per-channel vector (kind.vectors
-- holds its field names), 'm' per-group map (kind.maps holds its prefix). Fields the kind does not
-- name are read as nil and never written.

local recordMeta = {
  __index = function(r, f)
    local i = info[r]
    local how = i.kind.fields[f]
    if how == nil or i.touched[f] then return nil end
    i.touched[f] = true
    local v
    if how == 'v' then
      v = vector(i.raw, i.kind.vectors[f])
    elseif how == 'm' then
      v = map(i.raw, i.kind.maps[f])
    else
      local text = i.raw[f]
      if text == nil then return nil end
      if how == 'n' then
        v = tonumber(text)
      elseif how == 's' then
        v = text
      else
        v = cjson.decode(text)
        local from = i.kind.fromJson and i.kind.fromJson[f]
        if from then v = from(v) end
        i.snap[f] = copy(v)
      end
    end
    rawset(r, f, v)
    return v
  end,
  __newindex = function(r, f, v)
    local i = info[r]
    if i.kind.fields[f] then i.touched[f] = true end
    rawset(r, f, v)
  end,
}

--- The record at key, or nil when it does not exist.
local function open(key, kind)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local raw = {}
  for n = 1, #flat, 2 do raw[flat[n]] = flat[n + 1] end
  local r = setmetatable({}, recordMeta)
  info[r] = { key = key, kind = kind, raw = raw, snap = {}, touched = {} }
  return r
end

--- A record created in this call: a plain table, written whole.
local function create(key, kind, r)
  info[r] = { key = key, kind = kind, new = true }
  return r
end

local function write(key, set, gone)
  if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
  if #set > 0 then redis.call('HSET', key, unpack(set)) end
end

--- Write back what changed since the record was read (all of it for a record created in this call).
local function save(r)
  local i = info[r]
  local kind = i.kind
  local fields = kind.fields
  local set, gone = {}, {}
  if i.new then
    for f, v in pairs(r) do
      local how = fields[f]
      if how == 'v' then
        local names = kind.vectors[f]
        for c = 0, 4 do
          set[#set + 1] = names[c]
          set[#set + 1] = num(v[c])
        end
      elseif how == 'm' then
        for k, x in pairs(v) do
          set[#set + 1] = kind.maps[f] .. k
          set[#set + 1] = num(x)
        end
      elseif how == 'st' then
        for c = 0, 4 do
          set[#set + 1] = 'st' .. c
          set[#set + 1] = C.json(v[c])
        end
      elseif how then
        local to = kind.toJson and kind.toJson[f]
        set[#set + 1] = f
        set[#set + 1] = encode(to and to(v) or v)
      end
    end
    return write(i.key, set, gone)
  end
  local raw, snap = i.raw, i.snap
  for f in pairs(i.touched) do
    local v = rawget(r, f)
    local how = fields[f]
    local changed
    if how == 'n' then
      changed = v ~= tonumber(raw[f])
    elseif how == 's' then
      changed = v ~= raw[f]
    elseif how == 'l' then
      changed = not same(v, snap[f])
    elseif info[v] then
      diffSub(v, set, gone)
    else
      replaceMap(raw, kind.maps[f], v, set, gone)
    end
    if changed then
      if v == nil then
        gone[#gone + 1] = f
      else
        local to = kind.toJson and kind.toJson[f]
        set[#set + 1] = f
        set[#set + 1] = encode(to and to(v) or v)
      end
    end
  end
  write(i.key, set, gone)
end

-- ---------------------------------------------------------------- meta

local META_FIELDS = { 'seq', 'oseq', 'nday', 'ended', 'aband', 'acount', 'gcount', 'dseq' }

function S.meta()
  if S.m then return S.m end
  local flat = redis.call('HGETALL', K.meta)
  local snap = {}
  for n = 1, #flat, 2 do snap[flat[n]] = tonumber(flat[n + 1]) end
  local r = {}
  for _, f in ipairs(META_FIELDS) do r[f] = snap[f] or 0 end
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

-- ---------------------------------------------------------------- group index (P:gx)

local QM = {}
for c = 0, 4 do QM[c] = 'q' .. c .. ':' end

--- Loads the index fields not read yet in this call, in one HMGET.
local function gxLoad(fields)
  local missing = {}
  for _, f in ipairs(fields) do
    if gx[f] == nil then missing[#missing + 1] = f end
  end
  if #missing == 0 then return end
  local values = redis.call('HMGET', K.gx, unpack(missing))
  for n, f in ipairs(missing) do gx[f] = values[n] or false end
end

--- What an agent's decisions read from its groups, fetched together: the strategy of each
--- membership and the queue masks of the channels it has capacity on.
function S.prefetchGroups(a)
  local fields = {}
  for _, m in ipairs(a.mem) do
    fields[#fields + 1] = 's:' .. m.g
    for c = 0, 4 do
      if a.cap[c] > 0 then fields[#fields + 1] = QM[c] .. m.g end
    end
  end
  gxLoad(fields)
end

function S.strategy(gid)
  local f = 's:' .. gid
  if gx[f] == nil then gxLoad({ f }) end
  return gx[f]
end

function S.setStrategy(gid, strategy)
  local f = 's:' .. gid
  gx[f] = strategy
  gxDirty[f] = true
end

--- Bit `level` set when the group's queue (channel c, level) is not empty.
function S.queueMask(gid, c)
  local f = QM[c] .. gid
  if gx[f] == nil then gxLoad({ f }) end
  return tonumber(gx[f]) or 0
end

function S.setQueueMask(gid, c, mask)
  local f = QM[c] .. gid
  gx[f] = mask ~= 0 and mask or false
  gxDirty[f] = true
end

local function saveIndex()
  local set, gone = {}, {}
  for f in pairs(gxDirty) do
    local v = gx[f]
    if v then
      set[#set + 1] = f
      set[#set + 1] = encode(v)
    else
      gone[#gone + 1] = f
    end
  end
  write(K.gx, set, gone)
end

-- ---------------------------------------------------------------- groups
-- st[c]: stats per channel { waiting, answered, answeredWithinSla, waitMsTotal, handled,
-- handleMsTotal, abandoned } (a map keyed by channel, field st<c>).

local GROUP = {
  fields = {
    id = 's', idx = 'n', cfg = 's', tema = 's', cat = 's', lvl = 'n', sla = 'n', strat = 's', ofA = 'n', ofG = 's',
    wrap = 'n', ring = 'n', esc = 's', hh = 'n', hv = 'n', st = 'st',
  },
}

-- Stats are lists per channel: their own lazy table (st[c] decoded from st<c> on first touch).
local statsMeta = {
  __index = function(t, c)
    local i = info[t]
    local text = i.raw['st' .. c]
    if text == nil then return nil end
    local v = cjson.decode(text)
    rawset(t, c, v)
    i.snap[c] = copy(v)
    return v
  end,
}

local function groupStats(r)
  local i = info[r]
  local t = setmetatable({}, statsMeta)
  info[t] = { raw = i.raw, snap = {} }
  i.touched.st = true
  rawset(r, 'st', t)
  return t
end

local function saveGroup(g)
  local i = info[g]
  if i.new then return save(g) end
  local st = rawget(g, 'st')
  rawset(g, 'st', nil)
  i.touched.st = nil
  local set, gone = {}, {}
  if st then
    local snap = info[st].snap
    for c, v in pairs(st) do
      if not same(v, snap[c]) then
        set[#set + 1] = 'st' .. c
        set[#set + 1] = C.json(v)
      end
    end
  end
  save(g)
  if #set > 0 then redis.call('HSET', i.key, unpack(set)) end
end

function S.group(id)
  local g = cache.g[id]
  if g == nil then
    g = open(K.group(id), GROUP) or false
    cache.g[id] = g
  end
  if g and rawget(g, 'st') == nil then groupStats(g) end
  return g or nil
end

function S.newGroup(id, idx)
  local g = { id = id, idx = idx, hv = 0, st = {} }
  for c = 0, 4 do g.st[c] = { 0, 0, 0, 0, 0, 0, 0 } end
  cache.g[id] = create(K.group(id), GROUP, g)
  redis.call('RPUSH', K.groups, id)
  return g
end

-- ---------------------------------------------------------------- agents
-- mem: memberships { g = groupId, p = proficiency }. hm: bit c set when the agent sits in the
-- agent heap of channel c (of every group of its); hk: per membership, in mem order, the 32-hex
-- order key it is filed under (hexd(k1) .. hexd(k2)). tg/lo: sessions today and latest offer seq
-- per group; pn[c]: sessions waiting in the agent's personal queue of channel c.

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
  fields = {
    id = 's', cfg = 's', ord = 'n', pres = 's', reason = 's', since = 'n', idle = 'n', today = 'n', misses = 'n',
    tl = 'n', tc = 'n', vx = 'n', offers = 'l', sess = 'l', mem = 'l', load = 'v', cap = 'v', pn = 'v',
    hm = 'n', hk = 's', tg = 'm', lo = 'm',
  },
  vectors = { load = perChannel('l'), cap = perChannel('c'), pn = perChannel('p') },
  maps = { tg = 'tg:', lo = 'lo:' },
  fromJson = { mem = memFromJson },
  toJson = { mem = memToJson },
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
    id = id, ord = ord, pres = 'offline', since = at, idle = at, today = 0, misses = 0, tl = 0, tc = 0, vx = 0, hm = 0,
    offers = {}, sess = {}, load = {}, cap = {}, pn = {}, mem = {}, tg = {}, lo = {},
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
-- home group, overflow group, level); h: its history, JSON objects joined by commas.

local SESSION = { fields = { misses = 'l' } }
for _, f in ipairs({ 'id', 'g', 'st', 'ag', 'via', 'tgt', 'pp', 'ph', 'po', 'h' }) do SESSION.fields[f] = 's' end
for _, f in ipairs({ 'ch', 'pri', 'legal', 'ws', 'minp', 'rank', 'seq', 'offAt', 'exp', 'accAt', 'wrap', 'qAt', 'ofAt', 'ofd', 'ring', 'stint', 'tgtU', 'pl' }) do
  SESSION.fields[f] = 'n'
end

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
  saveIndex()
  for _, g in pairs(cache.g) do
    if g then saveGroup(g) end
  end
  for _, a in pairs(cache.a) do
    if a then save(a) end
  end
  for id, s in pairs(cache.s) do
    if s and rawget(s, '_deleted') then
      redis.call('DEL', K.session(id))
    elseif s then
      save(s)
    end
  end
end
