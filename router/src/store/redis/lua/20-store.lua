-- Routing script, part 2: tenant records (meta, groups, agents, sessions) read once per call into
-- Lua tables, then written back as only the hash fields that changed. Sorted sets are written directly.

local num = C.num
local cache, snapshot
-- cache: records read in this call. snapshot: record -> its fields as read, decoded (numbers,
-- strings, lists); nil for a record created in this call. Writing back compares typed values and
-- formats only what changed.

--- A new call: nothing read yet.
function S.reset()
  cache = { g = {}, a = {}, s = {} }
  snapshot = {}
  S.m = nil
end

local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local m = {}
  for i = 1, #flat, 2 do m[flat[i]] = flat[i + 1] end
  return m
end

--- Decodes hash fields by kind: kindOf(field) is 's' (text), 'l' (JSON list) or 'n' (number).
local function decode(m, kindOf)
  local t = {}
  for f, v in pairs(m) do
    local k = kindOf(f)
    if k == 'n' then
      t[f] = tonumber(v)
    elseif k == 'l' then
      t[f] = cjson.decode(v)
    else
      t[f] = v
    end
  end
  return t
end

local function copy(list)
  local out = {}
  for i, x in ipairs(list) do out[i] = type(x) == 'table' and copy(x) or x end
  return out
end

local function same(x, y)
  if x == y then return true end
  if type(x) ~= 'table' or type(y) ~= 'table' or #x ~= #y then return false end
  for i = 1, #x do
    if not same(x[i], y[i]) then return false end
  end
  return true
end

local function put(m, f, v)
  if v ~= nil then m[f] = v end
end

-- ---------------------------------------------------------------- meta

local META_FIELDS = { 'seq', 'oseq', 'nday', 'ended', 'aband', 'acount', 'gcount', 'dseq' }

local function numeric()
  return 'n'
end

function S.meta()
  if S.m then return S.m end
  local t = decode(hgetall(K.meta) or {}, numeric)
  local r = {}
  for _, f in ipairs(META_FIELDS) do r[f] = t[f] or 0 end
  if t.nday == nil then r.nday = -math.huge end
  snapshot[r] = t
  S.m = r
  return r
end

local function metaTo(r)
  local m = {}
  for _, f in ipairs(META_FIELDS) do
    if r[f] ~= -math.huge then m[f] = r[f] end
  end
  return m
end

-- ---------------------------------------------------------------- groups
-- Stats per channel: { waiting, answered, answeredWithinSla, waitMsTotal, handled, handleMsTotal, abandoned }.

local GROUP_TEXT = { id = true, cfg = true, tema = true, cat = true, strat = true, ofG = true, esc = true }

local function groupKind(f)
  if GROUP_TEXT[f] then return 's' end
  if string.sub(f, 1, 2) == 'st' then return 'l' end
  return 'n'
end

local function groupFrom(t)
  local g = {
    id = t.id, idx = t.idx, cfg = t.cfg, tema = t.tema, cat = t.cat, lvl = t.lvl, sla = t.sla, strat = t.strat,
    ofA = t.ofA, ofG = t.ofG, wrap = t.wrap, ring = t.ring, esc = t.esc, hh = t.hh, hv = t.hv, qm = {}, st = {},
  }
  for c = 0, 4 do
    g.qm[c] = t['qm' .. c]
    g.st[c] = copy(t['st' .. c])
  end
  return g
end

local function groupTo(g)
  local m = {}
  for _, f in ipairs({ 'id', 'idx', 'cfg', 'tema', 'cat', 'lvl', 'sla', 'strat', 'ofA', 'ofG', 'wrap', 'ring', 'esc', 'hh', 'hv' }) do
    put(m, f, g[f])
  end
  for c = 0, 4 do
    m['qm' .. c] = g.qm[c]
    m['st' .. c] = g.st[c]
  end
  return m
end

function S.group(id)
  local g = cache.g[id]
  if g == nil then
    local m = hgetall(K.group(id))
    local t = m and decode(m, groupKind)
    g = t and groupFrom(t) or false
    if g then snapshot[g] = t end
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
  cache.g[id] = g
  redis.call('RPUSH', K.groups, id)
  return g
end

-- ---------------------------------------------------------------- agents
-- mem: memberships { g = groupId, p = proficiency }; slots[m * 5 + c]: the member the agent is
-- filed under in heap (mem[m + 1].g, c, p); tg/lo: sessions today and latest offer seq per group;
-- pn[c]: sessions waiting in the agent's personal queue of channel c.

local AGENT_TEXT = { id = true, cfg = true, pres = true, reason = true }
local AGENT_LIST = { offers = true, sess = true, mem = true }

local function agentKind(f)
  if AGENT_TEXT[f] then return 's' end
  if AGENT_LIST[f] then return 'l' end
  if string.sub(f, 1, 3) == 'sm:' then return 's' end
  return 'n'
end

local function agentFrom(t)
  local a = {
    id = t.id, cfg = t.cfg, ord = t.ord, pres = t.pres, reason = t.reason, since = t.since, idle = t.idle,
    today = t.today, misses = t.misses, tl = t.tl, tc = t.tc, vx = t.vx, offers = copy(t.offers), sess = copy(t.sess),
    load = {}, cap = {}, pn = {}, mem = {}, slots = {}, tg = {}, lo = {},
  }
  for c = 0, 4 do
    a.load[c] = t['l' .. c]
    a.cap[c] = t['c' .. c]
    a.pn[c] = t['p' .. c]
  end
  for i, x in ipairs(t.mem) do a.mem[i] = { g = x[1], p = x[2] } end
  for f, v in pairs(t) do
    local prefix = string.sub(f, 1, 3)
    if prefix == 'sm:' then
      a.slots[tonumber(string.sub(f, 4))] = v
    elseif prefix == 'tg:' then
      a.tg[string.sub(f, 4)] = v
    elseif prefix == 'lo:' then
      a.lo[string.sub(f, 4)] = v
    end
  end
  return a
end

local function agentTo(a)
  local m = {}
  for _, f in ipairs({ 'id', 'cfg', 'ord', 'pres', 'reason', 'since', 'idle', 'today', 'misses', 'tl', 'tc', 'vx' }) do
    put(m, f, a[f])
  end
  m.offers = a.offers
  m.sess = a.sess
  local mem = {}
  for i, x in ipairs(a.mem) do mem[i] = { x.g, x.p } end
  m.mem = mem
  for c = 0, 4 do
    m['l' .. c] = a.load[c]
    m['c' .. c] = a.cap[c]
    m['p' .. c] = a.pn[c]
  end
  for slot, member in pairs(a.slots) do m['sm:' .. slot] = member end
  for gid, n in pairs(a.tg) do m['tg:' .. gid] = n end
  for gid, n in pairs(a.lo) do m['lo:' .. gid] = n end
  return m
end

function S.agent(id)
  local a = cache.a[id]
  if a == nil then
    local m = hgetall(K.agent(id))
    local t = m and decode(m, agentKind)
    a = t and agentFrom(t) or false
    if a then snapshot[a] = t end
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
  cache.a[id] = a
  redis.call('RPUSH', K.agents, id)
  return a
end

-- ---------------------------------------------------------------- sessions
-- seq identifies one incarnation of an id (deadlines and queue members carry it); misses are
-- { agentId, kind, until, cooledDown 0|1 }; pp/ph/po/pl: where it waits (personal queue's agent,
-- home group, overflow group, level).

local SESSION_TEXT = { 'id', 'g', 'st', 'ag', 'via', 'tgt', 'pp', 'ph', 'po' }
local SESSION_NUM = { 'ch', 'pri', 'legal', 'ws', 'minp', 'rank', 'seq', 'offAt', 'exp', 'accAt', 'wrap', 'qAt', 'ofAt', 'ofd', 'ring', 'stint', 'tgtU', 'pl' }
local SESSION_KIND = { misses = 'l' }
for _, f in ipairs(SESSION_TEXT) do SESSION_KIND[f] = 's' end

local function sessionKind(f)
  return SESSION_KIND[f] or 'n'
end

local function sessionFrom(t)
  local s = {}
  for _, f in ipairs(SESSION_TEXT) do s[f] = t[f] end
  for _, f in ipairs(SESSION_NUM) do s[f] = t[f] end
  s.misses = copy(t.misses)
  return s
end

local function sessionTo(s)
  local m = {}
  for _, f in ipairs(SESSION_TEXT) do put(m, f, s[f]) end
  for _, f in ipairs(SESSION_NUM) do put(m, f, s[f]) end
  m.misses = s.misses
  return m
end

function S.session(id)
  local s = cache.s[id]
  if s == nil then
    local m = hgetall(K.session(id))
    local t = m and decode(m, sessionKind)
    s = t and sessionFrom(t) or false
    if s then snapshot[s] = t end
    cache.s[id] = s
  end
  if not s or s.deleted then return nil end
  return s
end

function S.newSession(id)
  local s = { id = id, misses = {} }
  cache.s[id] = s
  redis.call('SADD', K.live, id)
  return s
end

function S.deleteSession(s)
  s.deleted = true
  redis.call('SREM', K.live, s.id)
end

-- ---------------------------------------------------------------- write back

local function encode(v)
  local t = type(v)
  if t == 'number' then return num(v) end
  if t == 'table' then return C.json(v) end
  return v
end

local function save(key, record, fields)
  local before = snapshot[record] or {}
  local set = {}
  for f, v in pairs(fields) do
    if not same(v, before[f]) then
      set[#set + 1] = f
      set[#set + 1] = encode(v)
    end
  end
  if #set > 0 then redis.call('HSET', key, unpack(set)) end
  local gone = {}
  for f in pairs(before) do
    if fields[f] == nil then gone[#gone + 1] = f end
  end
  if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
end

function S.flush()
  if S.m then save(K.meta, S.m, metaTo(S.m)) end
  for id, g in pairs(cache.g) do
    if g then save(K.group(id), g, groupTo(g)) end
  end
  for id, a in pairs(cache.a) do
    if a then save(K.agent(id), a, agentTo(a)) end
  end
  for id, s in pairs(cache.s) do
    if s and s.deleted then
      redis.call('DEL', K.session(id), K.history(id))
    elseif s then
      save(K.session(id), s, sessionTo(s))
    end
  end
end
