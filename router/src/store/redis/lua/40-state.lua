-- Routing script, part 4: applying events, the one way state changes (mirrors core/state.ts).
-- Every event has at = NOW; the first event of a new local day resets the daily counters first.

--- A history entry, ,{"at":…,"kind":…,"groupId":…[,"agentId":…]} (ids JSON-escaped, a comma
--- first), added to the session's entries of this call (_h), which the store appends to its history
--- key (P:h:<session>) at the end of the call. One concatenation: every intermediate string would
--- be hashed byte by byte.
local function history(s, kind, gid, aid)
  local gk, gv, ak, av = '', '', '', ''
  if gid then gk, gv = ',"groupId":', jsonString(gid) end
  if aid then ak, av = ',"agentId":', jsonString(aid) end
  local entry = ',{"at":' .. num(NOW) .. ',"kind":"' .. kind .. '"' .. gk .. gv .. ak .. av .. '}'
  local h = s._h
  s._h = h and h .. entry or entry
end

local function scheduleWaiting(s, at)
  if s.tgt then return end
  local g = S.group(s.g)
  if s.ofd == 0 then
    -- From the group's overflow as it is now, counted from the entry in its queue.
    s.ofAt = g.ofA and (s.qAt + g.ofA * 1000) or nil
    if s.ofAt ~= nil then A.addDeadline(math.max(s.ofAt, at), A.Overflow, s) end
  end
  local ring = g.ring
  if ring and s.minp > 1 then
    if s.ring == nil then s.ring = at + ring * 1000 end
    A.addDeadline(math.max(s.ring, at), A.Ring, s)
  else
    s.ring = nil
  end
end

--- A session waiting again: its timers armed (a personal target's end, overflow, ring), then placed in its queues.
local function wait(s, at)
  if s.tgt and s.tgtU ~= nil then A.addDeadline(s.tgtU, A.TargetEnd, s) end
  scheduleWaiting(s, at)
  A.place(s)
end

local function enterGroup(s, at)
  s.qAt = at
  s.ofd = 0
  -- Its overflow time is derived when its timers are armed (scheduleWaiting).
  s.ofAt = nil
  s.ring = nil
  wait(s, at)
end

local function releaseSlot(s, a, at)
  S.removeHeld(a, s.id)
  a.chan[s.ch] = a.chan[s.ch] - 1
  a.tl = a.tl - 1
  a.idle = at
end

local function finish(s, at)
  local a = S.agent(s.ag)
  releaseSlot(s, a, at)
  s.st = 'ended'
  S.deleteSession(s)
  local meta = S.meta()
  meta.ended = meta.ended + 1
  A.refreshAgent(a)
end

-- The handlers of the events off the hot path (and the day roll), by type: defined on first use.
local apply = {}

-- Events the hot path (a session's offer, accept, end, wrap-up) never applies: their handlers are
-- defined on first use (an EVALSHA script creates every function of the chunk again on each call).
local function defineRare()
  local function resetStats(g)
    g._w = true
    local st = g.st
    for c = 0, 28, 7 do
      for i = c + 2, c + 7 do st[i] = 0 end
    end
  end

  --- A new local day (not an event: a key no event type has, run by A.apply).
  apply.newDay = function()
    S.meta().nday = tonumber(NEXTDAY)
    for _, aid in ipairs(redis.call('LRANGE', K.agents, 0, -1)) do
      local a = S.agent(aid)
      a.today = 0
      a.tg = {}
    end
    for _, gid in ipairs(redis.call('LRANGE', K.groups, 0, -1)) do
      local g = S.group(gid)
      resetStats(g)
      A.rescoreGroup(g)
    end
  end

  --- The group's overflow time changed (state.ts rearmOverflows): the sessions waiting in it that have
  --- not overflowed start a new stint (their earlier deadlines die for good) and are armed again.
  local function rearmOverflows(g)
    A.flushQueues()
    for c = 0, 4 do
      for level = 1, 5 do
        for _, member in ipairs(redis.call('ZRANGE', K.queue(g.id, c, level), 0, -1)) do
          local s = S.session(sub(member, 17))
          if s.g == g.id and s.st == 'queued' and not s.tgt and s.ofd == 0 then
            s.stint = s.stint + 1
            for _, m in ipairs(s.misses) do
              if m[4] == 0 then A.addDeadline(m[3], A.MissCooldown, s) end
            end
            scheduleWaiting(s, NOW)
          end
        end
      end
    end
  end

  local function requeue(s, at)
    s.st = 'queued'
    s.stint = s.stint + 1
    s.ag = nil
    s.via = nil
    s.exp = nil
    wait(s, at)
  end

  local function takeBackOffer(s, a)
    S.removeHeld(a, s.id)
    a.chan[s.ch] = a.chan[s.ch] - 1
    a.tl = a.tl - 1
    a.today = math.max(0, a.today - 1)
    local tg = S.json(a, 'tg')
    local n = tg[s.via] or 0
    if n > 0 then tg[s.via] = n - 1 end
  end

  apply['group.configured'] = function(e)
    S.groupConfigured = true
    local cfg = e._g
    local g = S.group(cfg.id)
    if not g then
      local meta = S.meta()
      g = S.newGroup(cfg.id, meta.gcount)
      meta.gcount = meta.gcount + 1
    else
      -- Its old key no longer leads here; another group that took the key since keeps it.
      local old = K.escalation(g.tema, g.cat, g.lvl)
      if redis.call('HGET', K.esc, old) == g.id then redis.call('HDEL', K.esc, old) end
    end
    S.setGroupConfig(g.id, e.group.__raw)
    local strategy, overflowAfter = g.strat, g.ofA
    g.tema, g.cat, g.lvl, g.sla, g.strat = cfg.tema, cfg.categoria, cfg.level, cfg.slaSeconds, cfg.strategy
    g.ofA, g.ofG, g.wrap, g.ring, g.esc, g.hh = cfg.overflowAfter, cfg.overflowGroupId, cfg.wrapUpSeconds, cfg.ringSeconds, cfg.escalationGroupId, cfg.hasHours
    g.hv = g.hv + 1
    g._w = true
    S.indexGroup()
    if strategy and strategy ~= g.strat then A.restrategize(g) end
    A.rescoreGroup(g)
    if strategy and overflowAfter ~= g.ofA then rearmOverflows(g) end
    redis.call('HSET', K.esc, K.escalation(g.tema, g.cat, g.lvl), g.id)
  end

  apply['agent.configured'] = function(e)
    local cfg = e._a
    local a = S.agent(cfg.id)
    if not a then
      local meta = S.meta()
      a = S.newAgent(cfg.id, meta.acount, NOW)
      meta.acount = meta.acount + 1
    end
    -- Leave every heap under the old memberships, then rejoin under the new ones.
    local was = a.pres
    a.pres = 'offline'
    A.refreshAgent(a)
    a.pres = was
    for _, gid in ipairs(a.mem) do redis.call('SREM', K.members(gid), a.id) end
    S.setAgentConfig(a.id, e.agent.__raw)
    a.tc = 0
    for c = 0, 4 do
      a.chan[5 + c] = cfg.capacity[c + 1]
      a.tc = a.tc + cfg.capacity[c + 1]
    end
    a.vx = cfg.voiceExcludesChat
    local mem, digits = {}, {}
    for i, m in ipairs(cfg.groups) do
      mem[i] = m[1]
      digits[i] = DIGIT[m[2]]
    end
    a.mem = mem
    a.mp = table.concat(digits)
    a.ms = A.strategies(a)
    for _, gid in ipairs(a.mem) do redis.call('SADD', K.members(gid), a.id) end
    A.refreshAgent(a)
  end

  local function presence(e, state)
    local a = S.agent(e.agentId)
    if state == 'available' and a.pres ~= 'available' then
      a.idle = NOW
      a.misses = 0
    end
    a.pres = state
    a.reason = e.reason
    a.since = NOW
    A.refreshAgent(a)
  end

  apply['agent.state_changed'] = function(e) presence(e, e.state) end
  apply['agent.auto_paused'] = function(e) presence(e, 'paused') end

  local function missed(e)
    local s = S.session(e.interactionId)
    local a = S.agent(s.ag)
    takeBackOffer(s, a)
    -- A revoked offer (the agent paused) is no miss: it keeps nobody away from the session.
    if e.type ~= 'interaction.revoked' then
      a.misses = a.misses + 1
      local kind = e.type == 'interaction.rejected' and 'rejected' or 'expired'
      local misses = {}
      for _, m in ipairs(s.misses) do
        if m[1] ~= a.id then misses[#misses + 1] = m end
      end
      misses[#misses + 1] = { a.id, kind, NOW + OPT.missCooldownSeconds * 1000, 0 }
      s.misses = misses
      -- The offers it still holds may now have a run of misses to reset when accepted.
      for _, sid in ipairs(S.json(a, 'held')) do
        local o = S.session(sid)
        if o and o.st == 'offered' then o.am = 1 end
      end
    end
    history(s, 'missed', s.g, a.id)
    if s.tgt == a.id then
      s.tgt = nil
      s.tgtU = nil
    end
    requeue(s, NOW)
    for _, m in ipairs(s.misses) do
      if m[4] == 0 then A.addDeadline(m[3], A.MissCooldown, s) end
    end
    A.refreshAgent(a)
  end

  apply['interaction.rejected'] = missed
  apply['interaction.expired'] = missed
  apply['interaction.revoked'] = missed

  apply['interaction.abandoned'] = function(e)
    local s = S.session(e.interactionId)
    local g = S.group(s.g)
    local st, at = g.st, s.ch * 7
    g._w = true
    st[at + 1] = st[at + 1] - 1
    st[at + 7] = st[at + 7] + 1
    if s.st == 'offered' then
      local a = S.agent(s.ag)
      takeBackOffer(s, a)
      A.refreshAgent(a)
    else
      A.unplace(s)
    end
    s.st = 'abandoned'
    S.deleteSession(s)
    local meta = S.meta()
    meta.aband = meta.aband + 1
  end

  apply['interaction.transferred'] = function(e)
    local s = S.session(e.interactionId)
    local from = S.group(s.g)
    local a = s.ag and S.agent(s.ag)
    if s.st == 'queued' then
      A.unplace(s)
    elseif a and s.st == 'offered' then
      takeBackOffer(s, a)
      A.refreshAgent(a)
    elseif a then
      releaseSlot(s, a, NOW)
      A.refreshAgent(a)
    end
    local at = s.ch * 7 + 1
    if s.st == 'queued' or s.st == 'offered' then
      from.st[at] = from.st[at] - 1
      from._w = true
    end
    s.ag = nil
    s.accAt = nil
    s.st = 'queued'
    s.stint = s.stint + 1
    s.g = e.toGroupId
    local to = S.group(s.g)
    to.st[at] = to.st[at] + 1
    to._w = true
    s.tgt = e.toAgentId
    s.tgtU = e.targetUntil
    -- A new group starts a new round: only the transferring agent is kept away for a while.
    s.misses = {}
    if a then s.misses[1] = { a.id, 'rejected', NOW + OPT.missCooldownSeconds * 1000, 0 } end
    history(s, 'transferred', e.toGroupId, e.toAgentId)
    for _, m in ipairs(s.misses) do A.addDeadline(m[3], A.MissCooldown, s) end
    enterGroup(s, NOW)
  end

  apply['interaction.cooldown_ended'] = function(e)
    local s = S.session(e.interactionId)
    for _, m in ipairs(s.misses) do
      if m[1] == e.agentId then m[4] = 1 end
    end
  end

  apply['interaction.overflowed'] = function(e)
    local s = S.session(e.interactionId)
    s.ofd = 1
    history(s, 'overflowed', e.toGroupId)
    A.unplace(s)
    A.place(s)
  end

  apply['interaction.widened'] = function(e)
    local s = S.session(e.interactionId)
    A.unplace(s)
    if e.untargeted then
      s.tgt = nil
      s.tgtU = nil
    end
    s.minp = e.minProficiency
    s.ring = nil
    scheduleWaiting(s, NOW)
    A.place(s)
  end
end

C.definedOnFirstUse(apply, defineRare)

--- Applies an event. The hot path's events (a session queued, offered, accepted, ended, wrapped
--- up) are this function's own branches (one function made per call instead of five, as
--- R.execute's commands); the others go to their handler in `apply`.
function A.apply(e)
  local meta = S.meta()
  if NOW >= meta.nday then apply.newDay() end
  local kind = e.type
  if kind == 'interaction.queued' then
    local q = e.interaction
    local g = S.group(q.groupId)
    local s = S.newSession(q.id)
    s.ch, s.g, s.pri, s.legal, s.ws, s.minp = e._ci, q.groupId, q.priority, q.legalPriority and 1 or 0, q.waitingSince, q.minProficiency
    s.rank = q.waitingSince - (q.legalPriority and OPT.legalPriorityBonusSeconds * 1000 or 0) - q.priority * OPT.priorityStepSeconds * 1000
    s.seq = meta.seq
    meta.seq = meta.seq + 1
    s.st = 'queued'
    s.stint = 0
    s.ofd = 0
    s.qAt = NOW
    s.tgt = q.targetAgentId
    s.tgtU = s.tgt and q.targetUntil or nil
    local st, at = g.st, s.ch * 7
    st[at + 1] = st[at + 1] + 1
    g._w = true
    history(s, 'queued', g.id)
    enterGroup(s, NOW)
  elseif kind == 'interaction.offered' then
    local s = S.session(e.interactionId)
    local a = S.agent(e.agentId)
    A.unplace(s)
    s.st = 'offered'
    s.ag = a.id
    s.via = e.groupId
    s.offAt = NOW
    s.exp = e.expiresAt
    S.addHeld(a, s.id)
    -- Accepting resets the agent's run of misses: the session says whether there may be one to
    -- reset (missed keeps this true for the offers an agent holds), so accepting reads no agent
    -- that has none.
    s.am = a.misses > 0 and 1 or nil
    a.chan[s.ch] = a.chan[s.ch] + 1
    a.tl = a.tl + 1
    a.today = a.today + 1
    S.mapSet(a, 'tg', e.groupId, 1, true)
    -- The one change of lo: the refresh below is told its group (its round-robin key).
    S.mapSet(a, 'lo', e.groupId, meta.oseq)
    meta.oseq = meta.oseq + 1
    history(s, 'offered', e.groupId, a.id)
    A.addDeadline(e.expiresAt, A.OfferExpiry, s)
    A.refreshAgent(a, e.groupId)
  elseif kind == 'interaction.accepted' then
    local s = S.session(e.interactionId)
    if s.am then
      S.agent(s.ag).misses = 0
      s.am = nil
    end
    s.st = 'active'
    s.accAt = NOW
    local g = S.group(s.g)
    local st, at = g.st, s.ch * 7
    g._w = true
    local waited = NOW - s.qAt
    st[at + 1] = st[at + 1] - 1
    st[at + 2] = st[at + 2] + 1
    st[at + 4] = st[at + 4] + waited
    if waited <= g.sla * 1000 then st[at + 3] = st[at + 3] + 1 end
    history(s, 'accepted', g.id, s.ag)
  elseif kind == 'interaction.ended' then
    local s = S.session(e.interactionId)
    local g = S.group(s.g)
    local st, at = g.st, s.ch * 7
    g._w = true
    st[at + 5] = st[at + 5] + 1
    st[at + 6] = st[at + 6] + (NOW - (s.accAt or NOW))
    history(s, 'ended', s.g, e.agentId)
    if e.wrapUpUntil ~= nil then
      s.st = 'wrapup'
      s.wrap = e.wrapUpUntil
      A.addDeadline(e.wrapUpUntil, A.WrapUpEnd, s)
      return
    end
    finish(s, NOW)
  elseif kind == 'interaction.wrapped_up' then
    finish(S.session(e.interactionId), NOW)
  else
    apply[kind](e)
  end
end
