-- Routing script, part 3: where agents and sessions wait. Free agents sit in one sorted set per
-- (group, channel, proficiency), waiting sessions in one per (group, channel, minProficiency) and
-- one per (agent, channel) for targeted sessions; timers in one deadline set. Mirrors core/state.ts.
--
-- Encodings (ZRANGE order = the core's order):
--   agent heap:    score k1, member hexd(k2) .. dec16(ordinal) .. agentId       -> (k1, k2, ordinal)
--   session queue: score rank, member dec16(seq) .. sessionId                     -> (rank, seq)
--   deadlines:     score at, member hexd(rank) .. dec16(seq) .. kind .. dec16(n) .. dec16(stint) .. sessionId
--                  -> (at, rank, seq, kind); n only makes equal timers distinct members.

local sub = string.sub
local band, bor, bnot, lshift = bit.band, bit.bor, bit.bnot, bit.lshift

A.OfferExpiry, A.WrapUpEnd, A.Overflow, A.Ring, A.MissCooldown, A.TargetEnd = 0, 1, 2, 3, 4, 5

function A.canTake(a, c)
  if a.pres ~= 'available' or a.load[c] >= a.cap[c] then return false end
  if a.vx == 1 and (c == 0 or c == 1) then return a.load[2] + a.load[3] == 0 end
  return true
end

--- The group strategy's key for the agent (strategies/*.ts): lowest wins.
function A.score(a, g)
  local st = g.strat
  if st == 'equal' then return a.today, a.idle end
  if st == 'longest-idle' then return a.idle, a.today end
  if st == 'least-occupied' then
    if a.tc > 0 then return a.tl / a.tc, a.idle end
    return 1, a.idle
  end
  return a.lo[g.id] or -1, 0
end

local function agentMember(a, k2)
  return C.hexd(k2) .. C.dec16(a.ord) .. a.id
end

--- File the agent (re-keyed) in the heaps of each channel it can take now; take it out of the others.
function A.refreshAgent(a)
  for c = 0, 4 do
    local want = A.canTake(a, c)
    for m, ms in ipairs(a.mem) do
      local slot = (m - 1) * 5 + c
      local old = a.slots[slot]
      if want or old then
        local key = K.heap(ms.g, c, ms.p)
        if not want then
          redis.call('ZREM', key, old)
          a.slots[slot] = nil
        else
          local k1, k2 = A.score(a, S.group(ms.g))
          local member = agentMember(a, k2)
          if old and old ~= member then redis.call('ZREM', key, old) end
          redis.call('ZADD', key, k1, member)
          a.slots[slot] = member
        end
      end
    end
  end
end

--- Re-key every agent filed in the group's heaps (strategy changed, or a new day).
function A.rescoreGroup(g)
  for c = 0, 4 do
    for p = 1, 5 do
      local key = K.heap(g.id, c, p)
      for _, old in ipairs(redis.call('ZRANGE', key, 0, -1)) do
        local a = S.agent(sub(old, 33))
        local k1, k2 = A.score(a, g)
        local member = agentMember(a, k2)
        if member ~= old then redis.call('ZREM', key, old) end
        redis.call('ZADD', key, k1, member)
        for m, ms in ipairs(a.mem) do
          if ms.g == g.id then a.slots[(m - 1) * 5 + c] = member end
        end
      end
    end
  end
end

--- The best agent of a heap the session does not keep away, as (member, k1, agentId).
function A.firstAgent(key, s)
  local start, batch = 0, 1
  while true do
    local r = redis.call('ZRANGE', key, start, start + batch - 1, 'WITHSCORES')
    if #r == 0 then return nil end
    for i = 1, #r, 2 do
      local aid = sub(r[i], 33)
      if not A.excludes(s, aid) then return r[i], tonumber(r[i + 1]), aid end
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
  g.qm[s.ch] = bor(g.qm[s.ch], lshift(1, s.minp))
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
    local g = S.group(gid)
    g.qm[s.ch] = band(g.qm[s.ch], bnot(lshift(1, s.pl)))
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
