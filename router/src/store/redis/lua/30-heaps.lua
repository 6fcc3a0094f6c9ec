-- Routing script, part 3: where agents and sessions wait. Free agents sit in one tenant-wide
-- sorted set ordered by member bytes (every score 0), one range of it per (group, channel); waiting
-- sessions in one sorted set per (group, channel, minProficiency) and one per (agent, channel) for
-- targeted sessions; timers in one deadline set. Mirrors core/state.ts.
--
-- Encodings (ZRANGE order = the core's order):
--   agent heaps:   member prefix(group, channel) .. hexd(k1) .. hexd(k2) .. dec16(ordinal) .. p .. agentId
--                  with prefix = dec6(#groupId) .. groupId .. channel (no prefix is another's
--                  prefix), score 0, read BYLEX                              -> (k1, k2, ordinal)
--   session queue: score rank, member dec16(seq) .. sessionId                     -> (rank, seq)
--   deadlines:     score at, member hexd(rank) .. dec16(seq) .. kind .. dec16(n) .. dec16(stint) .. sessionId
--                  -> (at, rank, seq, kind); n only makes equal timers distinct members.

local sub, byte, fmt = string.sub, string.byte, string.format
local band, bor, bnot, lshift = bit.band, bit.bor, bit.bnot, bit.lshift

A.OfferExpiry, A.WrapUpEnd, A.Overflow, A.Ring, A.MissCooldown, A.TargetEnd = 0, 1, 2, 3, 4, 5

function A.canTake(a, c)
  if a.pres ~= 'available' or a.load[c] >= a.cap[c] then return false end
  if a.vx == 1 and (c == 0 or c == 1) then return a.load[2] + a.load[3] == 0 end
  return true
end

--- The group strategy's key for the agent (strategies/*.ts): lowest wins.
function A.score(a, strategy, gid)
  if strategy == 'equal' then return a.today, a.idle end
  if strategy == 'longest-idle' then return a.idle, a.today end
  if strategy == 'least-occupied' then
    if a.tc > 0 then return a.tl / a.tc, a.idle end
    return 1, a.idle
  end
  return a.lo[gid] or -1, 0
end

--- The agent's order key in a group of that strategy: 32 hex digits, byte order = (k1, k2) order.
local function orderKey(a, strategy, gid)
  local k1, k2 = A.score(a, strategy, gid)
  return C.hexd(k1) .. C.hexd(k2)
end

local CHANNEL = { [0] = '0', '1', '2', '3', '4' }
-- Heap prefixes of the groups named in this call (the library lives on: reset per call).
local prefixes

function A.reset()
  prefixes = {}
end

--- The bytes every member of the (group, channel) heap starts with.
function A.heapPrefix(gid, c)
  local p = prefixes[gid]
  if not p then
    p = fmt('%06d', #gid) .. gid
    prefixes[gid] = p
  end
  return p .. CHANNEL[c]
end

local function heapMember(prefix, key, a, p)
  return prefix .. key .. C.dec16(a.ord) .. p .. a.id
end

--- File the agent in the heaps of each channel it can take now, re-keyed; take it out of the
--- others. Heaps whose key did not change are left alone (as the core does): one ZREM and one
--- ZADD for all the others.
function A.refreshAgent(a)
  local want = 0
  for c = 0, 4 do
    if A.canTake(a, c) then want = bor(want, lshift(1, c)) end
  end
  local had = a.hm or 0
  if want == 0 and had == 0 then return end
  local mem = a.mem
  local oldKeys = a.hk or ''
  local keys = {}
  local removed, added = {}, {}
  if want ~= 0 then S.prefetchGroups(a) end
  for m, ms in ipairs(mem) do
    local old = had ~= 0 and sub(oldKeys, m * 32 - 31, m * 32) or nil
    local key = want ~= 0 and orderKey(a, S.strategy(ms.g), ms.g) or nil
    keys[m] = key
    for c = 0, 4 do
      local bit = lshift(1, c)
      local has, wants = band(had, bit) ~= 0, band(want, bit) ~= 0
      if has and (not wants or key ~= old) then
        removed[#removed + 1] = heapMember(A.heapPrefix(ms.g, c), old, a, ms.p)
      end
      if wants and (not has or key ~= old) then
        added[#added + 1] = 0
        added[#added + 1] = heapMember(A.heapPrefix(ms.g, c), key, a, ms.p)
      end
    end
  end
  if #removed > 0 then redis.call('ZREM', K.heaps, unpack(removed)) end
  if #added > 0 then redis.call('ZADD', K.heaps, unpack(added)) end
  a.hm = want
  a.hk = want ~= 0 and table.concat(keys) or nil
end

--- Re-key every agent filed in the group's heaps (strategy changed, or a new day).
function A.rescoreGroup(g)
  local strategy = g.strat
  local removed, added = {}, {}
  for c = 0, 4 do
    local prefix = A.heapPrefix(g.id, c)
    local n = #prefix
    for _, old in ipairs(redis.call('ZRANGE', K.heaps, '[' .. prefix, '[' .. prefix .. '\255', 'BYLEX')) do
      local a = S.agent(sub(old, n + 50))
      local key = orderKey(a, strategy, g.id)
      local member = prefix .. key .. sub(old, n + 33)
      if member ~= old then
        removed[#removed + 1] = old
        added[#added + 1] = 0
        added[#added + 1] = member
      end
      -- Every filed channel of a membership shares its key.
      local keys = a.hk
      for m, ms in ipairs(a.mem) do
        if ms.g == g.id then keys = sub(keys, 1, m * 32 - 32) .. key .. sub(keys, m * 32 + 1) end
      end
      a.hk = keys
    end
  end
  if #removed > 0 then redis.call('ZREM', K.heaps, unpack(removed)) end
  if #added > 0 then redis.call('ZADD', K.heaps, unpack(added)) end
end

--- The best agent of the group's heap for the session's channel with proficiency at least the
--- session's minimum, that the session does not keep away.
function A.firstAgent(gid, s)
  local prefix = A.heapPrefix(gid, s.ch)
  local n = #prefix
  local minp = s.minp
  local start, batch = 0, 1
  while true do
    local r = redis.call('ZRANGE', K.heaps, '[' .. prefix, '[' .. prefix .. '\255', 'BYLEX', 'LIMIT', start, batch)
    if #r == 0 then return nil end
    for i = 1, #r do
      local member = r[i]
      if byte(member, n + 49) - 48 >= minp then
        local aid = sub(member, n + 50)
        if not A.excludes(s, aid) then return aid end
      end
    end
    start = start + batch
    batch = batch * 4
  end
end

--- Whether the agent is kept away from the session now (it missed it recently).
function A.excludes(s, aid)
  for _, m in ipairs(s.misses) do
    if m[1] == aid then return NOW < m[3] end
  end
  return false
end

function A.sessionBefore(x, y)
  return x.rank < y.rank or (x.rank == y.rank and x.seq < y.seq)
end

local function sessionMember(s)
  return C.dec16(s.seq) .. s.id
end

--- The first session of a queue that does not keep the agent away.
function A.firstSession(key, aid)
  local start, batch = 0, 1
  while true do
    local r = redis.call('ZRANGE', key, start, start + batch - 1)
    if #r == 0 then return nil end
    for i = 1, #r do
      local s = S.session(sub(r[i], 17))
      if not A.excludes(s, aid) then return s end
    end
    start = start + batch
    batch = batch * 4
  end
end

function A.personalHead(aid, c)
  local r = redis.call('ZRANGE', K.personal(aid, c), 0, 0)
  return S.session(sub(r[1], 17))
end

local function insertInGroup(s, g)
  redis.call('ZADD', K.queue(g.id, s.ch, s.minp), s.rank, sessionMember(s))
  S.setQueueMask(g.id, s.ch, bor(S.queueMask(g.id, s.ch), lshift(1, s.minp)))
end

function A.place(s)
  if s.tgt then
    redis.call('ZADD', K.personal(s.tgt, s.ch), s.rank, sessionMember(s))
    local t = S.agent(s.tgt)
    t.pn[s.ch] = t.pn[s.ch] + 1
    s.pp = s.tgt
    return
  end
  s.pl = s.minp
  local g = S.group(s.g)
  insertInGroup(s, g)
  s.ph = s.g
  if s.ofd == 1 and g.ofG then
    local over = S.group(g.ofG)
    if over and over ~= g then
      insertInGroup(s, over)
      s.po = over.id
    end
  end
end

local function leaveGroup(s, gid)
  local key = K.queue(gid, s.ch, s.pl)
  redis.call('ZREM', key, sessionMember(s))
  if redis.call('ZCARD', key) == 0 then
    S.setQueueMask(gid, s.ch, band(S.queueMask(gid, s.ch), bnot(lshift(1, s.pl))))
  end
end

function A.unplace(s)
  if s.pp then
    redis.call('ZREM', K.personal(s.pp, s.ch), sessionMember(s))
    local t = S.agent(s.pp)
    t.pn[s.ch] = t.pn[s.ch] - 1
    s.pp = nil
  end
  if s.ph then
    leaveGroup(s, s.ph)
    s.ph = nil
  end
  if s.po then
    leaveGroup(s, s.po)
    s.po = nil
  end
end

-- ---------------------------------------------------------------- deadlines

function A.addDeadline(at, kind, s)
  local meta = S.meta()
  meta.dseq = meta.dseq + 1
  redis.call('ZADD', K.deadlines, at, C.hexd(s.rank) .. C.dec16(s.seq) .. kind .. C.dec16(meta.dseq) .. C.dec16(s.stint) .. s.id)
end

function A.parseDeadline(member, score)
  return {
    member = member, at = tonumber(score), seq = tonumber(sub(member, 17, 32)), kind = tonumber(sub(member, 33, 33)),
    stint = tonumber(sub(member, 50, 65)), sid = sub(member, 66),
  }
end

--- Whether a deadline still means something (state.ts isLive): once dead it stays dead.
function A.isLive(d)
  local s = S.session(d.sid)
  if not s or s.seq ~= d.seq or s.stint ~= d.stint then return false end
  local k = d.kind
  if k == A.OfferExpiry then return s.st == 'offered' and s.exp == d.at end
  if k == A.WrapUpEnd then return s.st == 'wrapup' and s.wrap == d.at end
  if s.st ~= 'queued' then return false end
  if k == A.Overflow then
    return s.tgt == nil and s.ofd == 0 and s.ofAt ~= nil and s.ofAt <= d.at and S.group(s.g).ofA ~= nil
  end
  if k == A.Ring then return s.tgt == nil and s.ring ~= nil and s.ring <= d.at and s.minp > 1 end
  if k == A.MissCooldown then
    for _, m in ipairs(s.misses) do
      if m[4] == 0 and m[3] == d.at then return true end
    end
    return false
  end
  return s.tgt ~= nil and s.tgtU == d.at
end

--- The earliest live deadline, dropping dead ones from the front.
function A.nextDeadline()
  while true do
    local r = redis.call('ZRANGE', K.deadlines, 0, 0, 'WITHSCORES')
    if #r == 0 then return nil end
    local d = A.parseDeadline(r[1], r[2])
    if A.isLive(d) then return d.at end
    redis.call('ZREM', K.deadlines, r[1])
  end
end
