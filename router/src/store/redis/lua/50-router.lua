-- Routing script, part 5: the commands and the matching (mirrors core/router.ts). Each command
-- validates before its first event, so a routing error leaves nothing written.

-- Sized at once (see 05-shared).
R = { reset = false, hoursUsed = false, closed = false, eventsJson = false, hoursOf = false, check = false, execute = false }

-- The command's events: OUT[1..nOut] (one table for the whole call, its entries overwritten).
local OUT, nOut = {}, 0

--- A new command: no events, no hours used (nil until one is), no closed answer yet.
function R.reset()
  nOut = 0
  R.hoursUsed = nil
  R.closed = nil
end

local function fail(code, message, details)
  error({ routing = true, code = code, message = message, details = details }, 0)
end

-- Every event happens at NOW: its JSON says so (R.eventsJson); the table has no `at`.
local function emit(e)
  A.apply(e)
  nOut = nOut + 1
  OUT[nOut] = e
end

-- The JSON of the hot path's events, written out in one concatenation each (the generic encoder
-- builds a table of pieces per event); the others, and one missing an id, go through C.object.
-- One function, a branch per type (each function is made again on every EVALSHA call). It is
-- given what goes before and after the event's text (the array's brackets, or nothing): the array
-- is made without copying its events' texts again (every new string is hashed byte by byte).
local function eventText(e, open, close)
  local kind = e.type
  if kind == 'interaction.offered' then
    return open .. '{"type":"interaction.offered","interactionId":' .. jsonString(e.interactionId) .. ',"agentId":' .. jsonString(e.agentId)
      .. ',"groupId":' .. jsonString(e.groupId) .. ',"expiresAt":' .. num(e.expiresAt) .. ',"at":' .. num(NOW) .. '}' .. close
  elseif kind == 'interaction.queued' then
    local q = e.interaction
    local tk, tv, uk, uv = '', '', '', ''
    if q.targetAgentId ~= nil then tk, tv, uk, uv = ',"targetAgentId":', jsonString(q.targetAgentId), ',"targetUntil":', num(q.targetUntil) end
    return open .. '{"type":"interaction.queued","interaction":{"id":' .. jsonString(q.id) .. ',"channel":' .. jsonString(q.channel)
      .. ',"groupId":' .. jsonString(q.groupId) .. ',"priority":' .. num(q.priority) .. ',"legalPriority":' .. (q.legalPriority and 'true' or 'false')
      .. ',"waitingSince":' .. num(q.waitingSince) .. ',"minProficiency":' .. num(q.minProficiency) .. tk .. tv .. uk .. uv .. '},"at":' .. num(NOW) .. '}' .. close
  elseif e.agentId ~= nil then
    if kind == 'interaction.accepted' or kind == 'interaction.wrapped_up' then
      return open .. '{"type":"' .. kind .. '","interactionId":' .. jsonString(e.interactionId) .. ',"agentId":' .. jsonString(e.agentId)
        .. ',"at":' .. num(NOW) .. '}' .. close
    elseif kind == 'interaction.ended' then
      local wk, wv = '', ''
      if e.wrapUpUntil ~= nil then wk, wv = ',"wrapUpUntil":', num(e.wrapUpUntil) end
      return open .. '{"type":"interaction.ended","interactionId":' .. jsonString(e.interactionId) .. ',"agentId":' .. jsonString(e.agentId)
        .. wk .. wv .. ',"at":' .. num(NOW) .. '}' .. close
    end
  end
  e.at = NOW
  return open .. C.object(e) .. close
end

--- The JSON array of this command's events.
function R.eventsJson()
  local n = nOut
  if n == 0 then return '[]' end
  if n == 1 then return eventText(OUT[1], '[', ']') end
  local texts = {}
  for i = 1, n do texts[i] = eventText(OUT[i], i == 1 and '[' or '', i == n and ']' or '') end
  return table.concat(texts, ',', 1, n)
end

local function session(id)
  local s = S.session(id)
  if not s then fail('unknown_interaction', 'unknown or finished interaction ' .. id, { interactionId = id }) end
  return s
end

local function agent(id)
  local a = S.agent(id)
  if not a then fail('unknown_agent', 'unknown agent ' .. id, { agentId = id }) end
  return a
end

--- Open state of a group with business hours, computed by the caller (Intl has no Lua twin) for
--- the group's configuration version; a missing or stale one sends the caller back for it.
function R.hoursOf(g)
  if g.hh ~= 1 then return true, nil end
  local h = HOURS[g.id]
  if h and h[1] == g.hv then
    local used = R.hoursUsed or {}
    used[#used + 1] = g.id
    R.hoursUsed = used
    return h[2] == 1, h[3]
  end
  error({ hours = g.id, version = g.hv, cfg = S.groupConfig(g.id) }, 0)
end

-- ---------------------------------------------------------------- matching

local function offer(s, a, via)
  emit({ type = 'interaction.offered', interactionId = s.id, agentId = a.id, groupId = via, expiresAt = NOW + OPT.offerTimeoutSeconds * 1000 })
end

--- A session became eligible for more agents: offer it to the best free one, if any.
local function matchSession(s)
  if s.st ~= 'queued' then return end
  if s.tgt then
    local t = S.agent(s.tgt)
    if A.canTake(t, s.ch) and not A.excludes(s, t.id) then offer(s, t, s.g) end
    return
  end
  local g = S.group(s.g)
  local via = g.id
  local aid = A.firstAgent(via, s)
  -- The group may have been reconfigured without overflow since the session overflowed.
  if not aid and s.ofd == 1 and g.ofG ~= nil then
    local over = S.group(g.ofG)
    if over then
      via = over.id
      aid = A.firstAgent(via, s)
    end
  end
  if aid then offer(s, S.agent(aid), via) end
end

--- An agent has room: give it the best waiting sessions across its groups and channels.
local function releaseAgent(a)
  A.flushQueues()
  if a.pres == 'available' then S.prefetchGroups(a) end
  while a.pres == 'available' do
    local best, bestVia
    for c = 0, 4 do
      if A.canTake(a, c) then
        if a.chan[10 + c] > 0 then
          local s = A.personalHead(a.id, c)
          if not best or A.sessionBefore(s, best) then best, bestVia = s, s.g end
        end
        local mem = a.mem
        for m = 1, #mem do
          local gid = mem[m]
          local mask = S.queueMask(gid, c)
          if mask ~= 0 then
            -- Bit `level` is set when mask % 2^(level + 1) >= 2^level (no bit.* call): b = 2^level.
            local b = 2
            for level = 1, string.byte(a.mp, m) - 48 do
              if mask % (b + b) >= b then
                local s = A.firstSession(K.queue(gid, c, level), a.id)
                if s and (not best or A.sessionBefore(s, best)) then best, bestVia = s, gid end
              end
              b = b + b
            end
          end
        end
      end
    end
    if not best then return end
    offer(best, a, bestVia)
  end
end

-- ---------------------------------------------------------------- lookups

--- The session offered to the agent. The agent that holds the offer exists (agents are never
--- removed): its record is not read here (accepting reads it only to reset a run of misses).
local function heldOffer(sid, aid)
  local s = session(sid)
  if s.st == 'offered' and s.ag == aid then
    if NOW >= s.exp then fail('offer_expired', 'the offer has expired', { expiresAt = s.exp }) end
    return s
  end
  local a = agent(aid)
  for _, m in ipairs(s.misses) do
    if m[1] == a.id and m[2] == 'expired' then fail('offer_expired', 'the offer has expired') end
  end
  fail('no_offer', 'this agent holds no offer for the interaction', { state = s.st })
end

--- The id of the session's agent, when the caller (if named) is that agent. Only the id is
--- needed: the agent's record is read when its state changes.
local function ownAgent(s, agentId)
  local aid = s.ag
  if agentId ~= nil and aid ~= agentId then
    if not S.agent(agentId) then fail('unknown_agent', 'unknown agent ' .. agentId) end
    fail('not_your_session', 'the interaction belongs to another agent')
  end
  return aid
end

-- ---------------------------------------------------------------- commands

-- The other commands (the hot path's four are R.execute's own branches: one function made per
-- call instead of four).
local commands = {}

-- Commands the hot path (enqueue, accept, end, complete wrap-up) never runs, and what only they use:
-- defined on first use (an EVALSHA script creates every function of the chunk again on each call).
local function defineRare()
  local function group(id)
    local g = S.group(id)
    if not g then fail('unknown_group', 'unknown group ' .. id, { groupId = id }) end
    return g
  end

  --- The group a transfer to the next level goes to: its escalation group, else the group of the
  --- same tema and categoria one level up, if any.
  local function nextLevelOf(g)
    if g.esc then return S.group(g.esc) end
    if g.lvl < 3 then
      local id = redis.call('HGET', K.esc, K.escalation(g.tema, g.cat, g.lvl + 1))
      if id then return S.group(id) end
    end
    return nil
  end

  --- Sessions handed back together compete for the same free agents: the one ahead in the queue goes first.
  local function inQueueOrder(sessions)
    table.sort(sessions, A.sessionBefore)
    return sessions
  end

  local function revokeOffers(a, reason)
    local revoked = {}
    for _, sid in ipairs(S.json(a, 'held')) do
      if S.session(sid).st == 'offered' then revoked[#revoked + 1] = sid end
    end
    for i, sid in ipairs(revoked) do
      emit({ type = 'interaction.revoked', interactionId = sid, agentId = a.id, reason = reason })
      revoked[i] = S.session(sid)
    end
    return revoked
  end

  --- A rejected or expired offer: back to the head of its queue; too many in a row pause the agent.
  local function miss(s, a, type)
    emit({ type = type, interactionId = s.id, agentId = a.id })
    local back = { s }
    if a.misses >= OPT.maxConsecutiveMisses and a.pres == 'available' then
      for _, r in ipairs(revokeOffers(a, 'agent_paused')) do back[#back + 1] = r end
      emit({ type = 'agent.auto_paused', agentId = a.id, reason = OPT.autoPauseReason, misses = a.misses })
    end
    for _, x in ipairs(inQueueOrder(back)) do matchSession(x) end
    releaseAgent(a)
  end

  commands.configureGroup = function(cmd)
    emit({ type = 'group.configured', group = { __raw = cmd.raw }, _g = cmd.group })
  end

  commands.configureAgent = function(cmd)
    emit({ type = 'agent.configured', agent = { __raw = cmd.raw }, _a = cmd.agent })
    releaseAgent(S.agent(cmd.agent.id))
  end

  commands.setAgentState = function(cmd)
    local a = agent(cmd.agentId)
    local state = cmd.state
    if state ~= 'available' and state ~= 'paused' and state ~= 'offline' then
      fail('invalid_command', 'unknown agent state ' .. cmd.stateText)
    end
    if a.pres == state and (state == 'available' or a.reason == cmd.reason) then return end
    if state == 'available' then
      emit({ type = 'agent.state_changed', agentId = a.id, state = state })
      releaseAgent(a)
      return
    end
    local revoked = revokeOffers(a, state == 'paused' and 'agent_paused' or 'agent_offline')
    emit({ type = 'agent.state_changed', agentId = a.id, state = state, reason = cmd.reason })
    for _, s in ipairs(inQueueOrder(revoked)) do matchSession(s) end
  end

  commands.reject = function(cmd)
    local s = heldOffer(cmd.interactionId, cmd.agentId)
    miss(s, S.agent(s.ag), 'interaction.rejected')
  end

  commands.abandon = function(cmd)
    local s = session(cmd.interactionId)
    if s.st ~= 'queued' and s.st ~= 'offered' then
      fail('invalid_state', 'only a waiting interaction can be abandoned; it is ' .. s.st, { state = s.st })
    end
    local a = s.ag and S.agent(s.ag)
    emit({ type = 'interaction.abandoned', interactionId = s.id })
    if a then releaseAgent(a) end
  end

  commands.transfer = function(cmd)
    local s = session(cmd.interactionId)
    if s.st == 'wrapup' then fail('invalid_state', 'interaction is in wrap-up', { state = s.st }) end
    local from = s.ag and S.agent(s.ag)
    if cmd.byAgentId ~= nil and from and from.id ~= cmd.byAgentId then
      fail('not_your_session', 'the interaction belongs to another agent')
    end
    local home = S.group(s.g)
    local toGroup, toAgent = home, nil
    local to = cmd.to
    if to.kind == 'agent' then
      toAgent = agent(to.agentId)
      if toAgent == from then fail('invalid_command', 'cannot transfer to the same agent') end
      if toAgent.pres == 'offline' then fail('agent_unavailable', 'the target agent is offline', { agentId = to.agentId }) end
    elseif to.kind == 'group' then
      toGroup = group(to.groupId)
    elseif to.kind == 'nextLevel' then
      toGroup = nextLevelOf(home)
      if not toGroup then fail('no_next_level', 'no level above N' .. num(home.lvl) .. ' for this group') end
    else
      fail('invalid_command', 'unknown transfer target')
    end
    if toGroup ~= home then
      local open, nextOpenAt = R.hoursOf(toGroup)
      if not open then fail('group_closed', 'the target group is outside business hours', { nextOpenAt = nextOpenAt }) end
    end
    local e = { type = 'interaction.transferred', interactionId = s.id, fromGroupId = home.id, toGroupId = toGroup.id }
    if from then e.fromAgentId = from.id end
    if toAgent then
      e.toAgentId = toAgent.id
      e.targetUntil = NOW + OPT.targetWaitSeconds * 1000
    end
    emit(e)
    matchSession(s)
    if from then releaseAgent(from) end
  end

  commands.tick = function()
    while true do
      local r = redis.call('ZRANGE', K.deadlines, '0', '0', 'WITHSCORES')
      if #r == 0 then return end
      local d = A.parseDeadline(r[1], r[2])
      if A.deadlineAt(d) > NOW then return end
      A.dropDeadlines({ r[1] })
      local s = S.session(d.sid)
      if A.isLive(d, s) then
        local k = d.kind
        if k == A.OfferExpiry then
          miss(s, S.agent(s.ag), 'interaction.expired')
        elseif k == A.WrapUpEnd then
          local a = S.agent(s.ag)
          emit({ type = 'interaction.wrapped_up', interactionId = s.id, agentId = a.id })
          releaseAgent(a)
        elseif k == A.Overflow then
          emit({ type = 'interaction.overflowed', interactionId = s.id, toGroupId = S.group(s.g).ofG })
          matchSession(s)
        elseif k == A.Ring then
          emit({ type = 'interaction.widened', interactionId = s.id, minProficiency = s.minp - 1, untargeted = false })
          matchSession(s)
        elseif k == A.MissCooldown then
          local aid
          for _, m in ipairs(s.misses) do
            if aid == nil and m[4] == 0 and hexd(m[3]) == d.atKey then aid = m[1] end
          end
          emit({ type = 'interaction.cooldown_ended', interactionId = s.id, agentId = aid })
          matchSession(s)
        else
          emit({ type = 'interaction.widened', interactionId = s.id, minProficiency = s.minp, untargeted = true })
          matchSession(s)
        end
      end
    end
  end
end

C.definedOnFirstUse(commands, defineRare)

--- State checks of the core's validators, in their order, as the caller compiled them:
--- G: the group must exist; D: the interaction must not; L: the agent's load on a channel must
--- not exceed the new capacity; E: the validator's own (static) error. Returns the failing step.
function R.check(steps)
  for i = 1, #steps do
    local step = steps[i]
    local kind = step[1]
    if kind == 'E' then return i end
    if kind == 'G' and not S.group(step[2]) then return i end
    if kind == 'D' and S.session(step[2]) then return i end
    if kind == 'L' then
      local a = S.agent(step[2])
      if a and step[4] < a.chan[step[3]] then return i, a.chan[step[3]] end
    end
  end
  return nil
end

function R.execute(cmd)
  local op = cmd.type
  if op == 'enqueue' then
    local spec = cmd.interaction
    local g = S.group(spec.groupId)
    local open, nextOpenAt = R.hoursOf(g)
    if not open then
      R.closed = { groupId = g.id, nextOpenAt = nextOpenAt }
      return
    end
    local preferred = spec.preferredAgentId and S.agent(spec.preferredAgentId)
    local target
    if preferred and preferred.pres ~= 'offline' then
      for m, gid in ipairs(preferred.mem) do
        if gid == g.id and string.byte(preferred.mp, m) - 48 >= spec.minProficiency then target = preferred end
      end
    end
    local q = {
      id = spec.id, channel = spec.channel, groupId = g.id, priority = spec.priority, legalPriority = spec.legalPriority,
      waitingSince = spec.waitingSince, minProficiency = spec.minProficiency,
    }
    if target then
      q.targetAgentId = target.id
      q.targetUntil = NOW + OPT.targetWaitSeconds * 1000
    end
    emit({ type = 'interaction.queued', interaction = q, _ci = spec.ci })
    matchSession(S.session(spec.id))
  elseif op == 'accept' then
    local s = heldOffer(cmd.interactionId, cmd.agentId)
    emit({ type = 'interaction.accepted', interactionId = s.id, agentId = s.ag })
  elseif op == 'end' then
    local s = session(cmd.interactionId)
    if s.st ~= 'active' then fail('invalid_state', 'interaction is ' .. s.st .. ', not active', { state = s.st }) end
    local aid = ownAgent(s, cmd.agentId)
    local wrap = S.group(s.g).wrap
    if wrap > 0 then
      emit({ type = 'interaction.ended', interactionId = s.id, agentId = aid, wrapUpUntil = NOW + wrap * 1000 })
    else
      emit({ type = 'interaction.ended', interactionId = s.id, agentId = aid })
      releaseAgent(S.agent(aid))
    end
  elseif op == 'completeWrapUp' then
    local s = session(cmd.interactionId)
    if s.st ~= 'wrapup' then fail('invalid_state', 'interaction is ' .. s.st .. ', not in wrap-up', { state = s.st }) end
    local aid = ownAgent(s, cmd.agentId)
    emit({ type = 'interaction.wrapped_up', interactionId = s.id, agentId = aid })
    releaseAgent(S.agent(aid))
  else
    local run = commands[op]
    if not run then fail('invalid_command', 'unknown command ' .. cmd.typeText) end
    run(cmd)
  end
end
