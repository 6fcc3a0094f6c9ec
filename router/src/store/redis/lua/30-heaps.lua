-- Routing script, part 3: where agents and sessions wait. Free agents sit in one tenant-wide
-- sorted set ordered by member bytes (every score 0), one range of it per (group, channel); waiting
-- sessions in one sorted set per (group, channel, minProficiency) and one per (agent, channel) for
-- targeted sessions; timers in one deadline set. Mirrors core/state.ts.
--
-- Encodings (ZRANGE order = the core's order):
--   agent heaps:   member prefix(group, channel) .. hexd(k1) .. hexd(k2) .. dec16(ordinal) .. p .. agentId
--                  with prefix = dec6(#groupId) .. groupId .. channel (no prefix is another's
--                  prefix), score 0, read BYLEX                              -> (k1, k2, ordinal)
--   session queue: score rank, member hex16(seq) .. sessionId                     -> (rank, seq)
--   deadlines:     score at, member hexd(at) .. hexd(rank) .. hex16(seq) .. kind .. serial(n) .. hexd(stint) .. sessionId
--                  -> (at, rank, seq, kind); n only makes equal timers distinct members.

-- Sized at once (see 05-shared), with what 40-state defines (apply); the rare ones
-- (defineRare, below) are added on first use.
A = {
  OfferExpiry = 0, WrapUpEnd = 1, Overflow = 2, Ring = 3, MissCooldown = 4, TargetEnd = 5,
  canTake = false, score = false, reset = false, heapPrefixes = false,
  refreshAgent = false, firstAgent = false, excludes = false, flushQueues = false, place = false, unplace = false,
  addDeadline = false, dropDeadlines = false, pruneDeadlines = false, nextDeadline = false, apply = false,
}

function A.canTake(a, c)
  local ch = a.chan
  if a.pres ~= 'available' or ch[c] >= ch[5 + c] then return false end
  if a.vx == 1 and (c == 0 or c == 1) then return ch[2] + ch[3] == 0 end
  return true
end

--- The group strategy's key for the agent (strategies/*.ts): lowest wins. An agent keeps its
--- groups' strategies (ms, a letter per membership), so refreshing it reads no group: the strategy
--- is its letter's byte, e(qual) 101, l(ongest-idle) 108, (least-)o(ccupied) 111, r(ound-robin) 114.
--- A.refreshAgent makes the same keys inline (once per refresh): change both together.
function A.score(a, letter, gid)
  if letter == 101 then return a.today, a.idle end
  if letter == 108 then return a.idle, a.today end
  if letter == 111 then
    if a.tc > 0 then return a.tl / a.tc, a.idle end
    return 1, a.idle
  end
  return S.mapGet(a, 'lo', gid) or -1, 0
end

-- Heap prefixes by group id (a pure function of the id: kept across calls, up to a bound).
local prefixes, prefixCount = {}, 0

-- The first member of P:dl as this call last read or changed it: its member, score text (false
-- until known when read: see A.nextDeadline) and session id (locals: no table per read);
-- frontMember false when the set was empty, frontKnown false when unknown (after a ZREM). A ZADD
-- keeps it known (the lower of the two: member order is the set's order, see the encodings;
-- members differ within their first 81 bytes, hex digits, which Lua's strcoll orders as bytes in
-- any locale), so a command that added deadlines or none needs no ZRANGE to find the next one.
local frontKnown, frontMember, frontScore, frontSid
-- Dead deadlines left at the front of P:dl (ranks 0 .. nDead - 1, in order) by nextDeadline: their
-- sessions are held by this call, so pruneDeadlines removes them with the others at its end (one
-- ZREM for all); meanwhile the front is read at rank nDead.
-- (`dead` is made when the first one is found.)
local dead, nDead
-- The members of P:dl right after the front (ranks nDead + 1 ..., in order), read with it:
-- ahead[aheadFirst .. aheadLast]. Most fronts read are dead ones (offers this call accepted,
-- wrap-ups it completed), and the next ones die in the same call: a ZRANGE costs ~11,000
-- instructions, each member more it returns ~2,500. A ZADD keeps them in order; a ZREM forgets them.
local ahead, aheadFirst, aheadLast
-- How many members a ZRANGE of the front reads at most (fewer when fewer commands of the call
-- come after this one: only those can use them).
local AHEAD = 8
-- Sessions entering group queues in this command, not written yet (see insertInGroup): five
-- entries each (session, group id, channel, level, rank; no table per session), the session's
-- false once it left the queue again.
local entering, nEntering

function A.reset()
  frontKnown = false
  nDead = 0
  ahead, aheadFirst, aheadLast = {}, 1, 0
  entering, nEntering = {}, 0
end

-- A group's prefixes are made per channel on first use (an agent takes one to three channels).
local prefixMeta = {
  __index = function(p, c)
    local text = p.base .. DIGIT[c]
    p[c] = text
    return text
  end,
}
-- dec6 of an id's length, by length (ids of a tenant have a few lengths).
local DEC6 = {}

--- The group's heap prefixes by channel.
function A.heapPrefixes(gid)
  if prefixCount >= 4096 then prefixes, prefixCount = {}, 0 end
  local n = #gid
  local d = DEC6[n]
  if not d then
    d = string.format('%06d', n)
    DEC6[n] = d
  end
  local p = setmetatable({ base = d .. gid }, prefixMeta)
  prefixes[gid] = p
  prefixCount = prefixCount + 1
  return p
end

-- refreshAgent's lists (one set for every refresh; their counts say what they hold): the members
-- to remove and to add, and per channel the agent sits in or can take, three entries in `seats`
-- (one table, not three: each is made on every EVALSHA call): the channel, whether it sits in it,
-- whether it can take it. `bytes` holds the agent's strategy letters (at m) and proficiency digits
-- (at nm + 5 + m), read five at a time: one string.byte per five memberships, not one call each.
local keys, removed, added, seats, bytes = {}, {}, {}, {}, {}

-- hexd(0), round-robin's second key.
local H0 = '8000000000000000'

--- File the agent in the heaps of each channel it can take now, re-keyed; take it out of the
--- others. Heaps whose key did not change are left alone (as the core does): one ZREM and one
--- ZADD for all the others. Each member is made in one concatenation (every new string is hashed
--- byte by byte); channels it neither sits in nor can take (no capacity) are never looked at.
--- The keys of equal, longest-idle and least-occupied (A.score) are the agent's own, not its
--- group's: each is made once per refresh, whatever the memberships sharing it. Round-robin's
--- key is the group's latest offer to the agent (lo), which only an offer changes, refreshing the
--- agent at once with its group (offered): a filed agent's other round-robin keys are as hk has them.
function A.refreshAgent(a, offered)
  local had = a.hm or 0
  local avail = a.pres == 'available'
  if had == 0 and not avail then return end
  -- A.canTake for every channel at once; bits by arithmetic (no bit.* call per channel): b = 2^c.
  local want, n, b = 0, 0, 1
  local ch = a.chan
  local free = avail and (a.vx ~= 1 or ch[2] + ch[3] == 0)
  for c = 0, 4 do
    local wants = avail and ch[c] < ch[5 + c] and (c > 1 or free)
    local has = had % (b + b) >= b
    if wants then want = want + b end
    if wants or has then
      seats[n + 1], seats[n + 2], seats[n + 3] = c, has, wants
      n = n + 3
    end
    b = b + b
  end
  if want == 0 and had == 0 then return end
  local mem, oldKeys, aid = a.mem, a.hk or '', a.id
  local nm = #mem
  -- The agent's dec16(ordinal), as hk keeps it (a format call costs about two subs).
  local ord = #oldKeys >= 16 and sub(oldKeys, 1, 16) or C.dec16(a.ord)
  if want ~= 0 then
    local strategies = a.ms
    for m = 1, nm, 5 do
      bytes[m], bytes[m + 1], bytes[m + 2], bytes[m + 3], bytes[m + 4] = byte(strategies, m, m + 4)
    end
  end
  local nRemoved, nAdded, nKeys = 0, 0, 1
  local digits = false
  -- This refresh's hexd(today), hexd(idle) and keys of equal, longest-idle, least-occupied.
  local hToday, hIdle, kE, kL, kO
  for m = 1, nm do
    local gid = mem[m]
    local at = m * 32 - 15
    -- The key (k1 .. k2), and the old one when it is read whole.
    local k1, k2, old = nil, '', nil
    local same = false
    if want ~= 0 then
      local letter = bytes[m]
      if letter == 101 or letter == 108 or letter == 111 then
        if letter == 101 then
          k1 = kE
          if not k1 then
            hToday, hIdle = hToday or hexd(a.today), hIdle or hexd(a.idle)
            k1 = hToday .. hIdle
            kE = k1
          end
        elseif letter == 108 then
          k1 = kL
          if not k1 then
            hToday, hIdle = hToday or hexd(a.today), hIdle or hexd(a.idle)
            k1 = hIdle .. hToday
            kL = k1
          end
        else
          k1 = kO
          if not k1 then
            hIdle = hIdle or hexd(a.idle)
            k1 = hexd(a.tc > 0 and a.tl / a.tc or 1) .. hIdle
            kO = k1
          end
        end
        -- Most often changed: the old key is read whole (one sub, also what its removal needs)
        -- and compared as a string.
        if had ~= 0 then
          old = sub(oldKeys, at, at + 31)
          same = old == k1
        end
        nKeys = nKeys + 1
        keys[nKeys] = k1
      elseif had ~= 0 and gid ~= offered then
        -- Round-robin, not the group offered through: its key as filed (no map read).
        old = sub(oldKeys, at, at + 31)
        k1, same = old, true
        nKeys = nKeys + 1
        keys[nKeys] = old
      else
        k1, k2 = hexd(S.mapGet(a, 'lo', gid) or -1), H0
        same = had ~= 0 and find(oldKeys, k1, at, true) == at and find(oldKeys, H0, at + 16, true) == at + 16
        keys[nKeys + 1], keys[nKeys + 2] = k1, H0
        nKeys = nKeys + 2
      end
    end
    if not same or want ~= had then
      if not digits then
        digits = true
        local mp = a.mp
        for i = nm + 5 + 1, nm + 5 + nm, 5 do
          bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3], bytes[i + 4] = byte(mp, i - nm - 5, i - nm - 1)
        end
      end
      local digit = DIGIT[bytes[nm + 5 + m] - 48]
      local p = prefixes[gid] or A.heapPrefixes(gid)
      for i = 1, n, 3 do
        local c, has, wants = seats[i], seats[i + 1], seats[i + 2]
        if has and (not wants or not same) then
          old = old or sub(oldKeys, at, at + 31)
          nRemoved = nRemoved + 1
          removed[nRemoved] = p[c] .. old .. ord .. digit .. aid
        end
        if wants and (not has or not same) then
          added[nAdded + 1] = '0'
          added[nAdded + 2] = p[c] .. k1 .. k2 .. ord .. digit .. aid
          nAdded = nAdded + 2
        end
      end
    end
  end
  if nRemoved > 0 then redis.call('ZREM', K.heaps, unpack(removed, 1, nRemoved)) end
  if nAdded > 0 then redis.call('ZADD', K.heaps, unpack(added, 1, nAdded)) end
  a.hm = want
  keys[1] = ord
  a.hk = want ~= 0 and table.concat(keys, '', 1, nKeys) or ord
end

--- The best agent of the group's heap for the session's channel with proficiency at least the
--- session's minimum, that the session does not keep away.
function A.firstAgent(gid, s)
  -- The bytes every member of the (group, channel) heap starts with.
  local prefix = (prefixes[gid] or A.heapPrefixes(gid))[s.ch]
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

-- A session entering a group's queue is written when something reads queues (A.flushQueues) or
-- at the end of its command: one offered at once (an agent was free) left the queue before that,
-- and neither its entry nor the queue mask is written at all.
local function insertInGroup(s, g)
  local n = nEntering
  entering[n + 1], entering[n + 2], entering[n + 3], entering[n + 4], entering[n + 5] = s, g.id, s.ch, s.minp, s.rank
  nEntering = n + 5
end

--- Write the queue entries still pending: before any read of session queues or queue masks.
function A.flushQueues()
  local n = nEntering
  if n == 0 then return end
  -- Nothing below adds entries.
  nEntering = 0
  for i = 1, n, 5 do
    local s = entering[i]
    if s then
      local gid, c, level = entering[i + 1], entering[i + 2], entering[i + 3]
      redis.call('ZADD', K.queue(gid, c, level), num(entering[i + 4]), C.hex16(s.seq) .. s.id)
      S.setQueueMask(gid, c, bit.bor(S.queueMask(gid, c), bit.lshift(1, level)))
    end
  end
end

function A.place(s)
  if s.tgt then
    redis.call('ZADD', K.personal(s.tgt, s.ch), num(s.rank), C.hex16(s.seq) .. s.id)
    local t = S.agent(s.tgt)
    local at = 10 + s.ch
    t.chan[at] = t.chan[at] + 1
    s.pw = 2
    return
  end
  local g = S.group(s.g)
  insertInGroup(s, g)
  s.pw = 1
  if s.ofd == 1 and g.ofG then
    local over = S.group(g.ofG)
    if over and over ~= g then
      insertInGroup(s, over)
      s.po = over.id
    end
  end
end

local function leaveGroup(s, gid)
  for i = 1, nEntering, 5 do
    if entering[i] == s and entering[i + 1] == gid then
      -- Never written: nothing to undo (its mask bit is as it was).
      entering[i] = false
      return
    end
  end
  A.flushQueues()
  local key = K.queue(gid, s.ch, s.minp)
  redis.call('ZREM', key, C.hex16(s.seq) .. s.id)
  if redis.call('ZCARD', key) == 0 then
    S.setQueueMask(gid, s.ch, bit.band(S.queueMask(gid, s.ch), bit.bnot(bit.lshift(1, s.minp))))
  end
end

-- A placed session keeps where it waits (pw: 1 its group's queues, 2 its target's personal queue;
-- po: its overflow group's id), not the group, agent and level it waits under: its group, target
-- and minimum proficiency change only while it is not placed (transfer, widening, a miss take it
-- out first), so they are still those.
function A.unplace(s)
  local pw = s.pw
  if pw == 2 then
    redis.call('ZREM', K.personal(s.tgt, s.ch), C.hex16(s.seq) .. s.id)
    local t = S.agent(s.tgt)
    local at = 10 + s.ch
    t.chan[at] = t.chan[at] - 1
  elseif pw == 1 then
    leaveGroup(s, s.g)
  end
  s.pw = nil
  if s.po then
    leaveGroup(s, s.po)
    s.po = nil
  end
end

-- ---------------------------------------------------------------- deadlines
-- member: hexd(at) .. hexd(rank) .. hex16(seq) .. kind .. serial(n) .. hexd(stint) .. sessionId
-- (bytes 1-16, 17-32, 33-48, 49, 50-65, 66-81, 82-): equal numbers compare as their texts, so a
-- liveness check parses no text.

function A.addDeadline(at, kind, s)
  local meta = S.meta()
  local n = meta.dseq + 1
  meta.dseq = n
  local h1, h2, h3, k, h5 = hexd(at), hexd(s.rank), C.hex16(s.seq), DIGIT[kind], hexd(s.stint)
  local n1, n2 = C.serial(n)
  -- The member and the session's dls each in one concatenation (no string for the 81 bytes alone).
  local member, score = h1 .. h2 .. h3 .. k .. n1 .. n2 .. h5 .. s.id, num(at)
  redis.call('ZADD', K.deadlines, score, member)
  s.dls = (s.dls or '') .. h1 .. h2 .. h3 .. k .. n1 .. n2 .. h5
  if nDead > 0 and member < dead[nDead] then
    -- Among the dead ones left at the front (ranks would shift): they go now.
    A.dropDeadlines({})
    frontKnown, frontMember, frontScore, frontSid = true, member, score, s.id
  elseif frontKnown then
    local first = frontMember
    if not first or member < first then
      if first then
        -- The front becomes the first of those after it.
        aheadFirst = aheadFirst - 1
        ahead[aheadFirst] = first
      end
      frontMember, frontScore, frontSid = member, score, s.id
    else
      -- Among those read after the front: the ones after it are no longer known to be next.
      local last = aheadLast
      if last >= aheadFirst and member < ahead[last] then
        while last >= aheadFirst and member < ahead[last] do last = last - 1 end
        aheadLast = last + 1
        ahead[last + 1] = member
      end
    end
  end
end

--- Remove deadlines (members) from P:dl, and the dead ones left at its front.
function A.dropDeadlines(members)
  local n = #members
  for i = 1, nDead do members[n + i] = dead[i] end
  if n + nDead > 0 then redis.call('ZREM', K.deadlines, unpack(members)) end
  dead, nDead = nil, 0
  frontKnown = false
  aheadFirst, aheadLast = 1, 0
end


--- The time of the deadline at byte o + 1 of text: its score text's number when known, else its
--- hexd (bytes 1-16). Only Overflow and Ring deadlines need it (a rare path).
local function timeOf(text, o, score)
  if score then return tonumber(score) end
  return C.unhexd(sub(text, o + 1, o + 16))
end

--- Whether the deadline whose 81 bytes start at byte o + 1 of text (a member, or a session's dls)
--- still means something (state.ts isLive): once dead it stays dead. `s` is its session if live
--- (as S.session gives it), or nil; score its score text if known. The session's state is checked
--- before any text is compared. Live: its time when a field of the session equals it (every kind
--- but Overflow and Ring), else true; dead: false.
local function live(text, o, s, score)
  if not s then return false end
  local k, st = byte(text, o + 49) - 48, s.st
  local at
  if k == A.OfferExpiry then
    if st ~= 'offered' then return false end
    at = s.exp
  elseif k == A.WrapUpEnd then
    if st ~= 'wrapup' then return false end
    at = s.wrap
  elseif st ~= 'queued' then
    return false
  elseif k == A.TargetEnd then
    if s.tgt == nil or s.tgtU == nil then return false end
    at = s.tgtU
  end
  -- Equal numbers have equal hexd: fields compared in place (a find at their offset, no string made).
  if not (find(text, C.hex16(s.seq), o + 33, true) == o + 33 and find(text, hexd(s.stint), o + 66, true) == o + 66) then return false end
  if at then return find(text, hexd(at), o + 1, true) == o + 1 and at end
  -- Overflow and Ring compare the deadline's time (timeOf).
  if k == A.Overflow then
    -- A change of the group's overflow starts a new stint (rearmOverflows): no group check here.
    return s.tgt == nil and s.ofd == 0 and s.ofAt ~= nil and s.ofAt <= timeOf(text, o, score)
  end
  if k == A.Ring then
    return s.tgt == nil and s.ring ~= nil and s.ring <= timeOf(text, o, score) and s.minp > 1
  end
  local misses = s.misses
  for i = 1, #misses do
    local m = misses[i]
    if m[4] == 0 and find(text, hexd(m[3]), o + 1, true) == o + 1 then return m[3] end
  end
  return false
end

--- Remove the deadlines that died in this call (ZREM), from the sessions this call holds: the
--- deadline set keeps live ones only. Removing dead entries early changes nothing: they never
--- fire, nor count as the next deadline, and once dead they stay dead (liveness depends on the
--- session alone; a change of its group's overflow starts a new stint).
function A.pruneDeadlines()
  local gone, nGone = {}, 0
  local held, sessions = S.sessions, S.sessionList
  for i = 1, #sessions do
    local s = sessions[i]
    local dls, id = s.dls, s.id
    if dls and dls ~= '' and held[id] == s then
      local n = #dls
      if s._deleted then
        for at = 1, n, 81 do
          nGone = nGone + 1
          gone[nGone] = n == 81 and dls .. id or sub(dls, at, at + 80) .. id
        end
        s.dls = nil
      elseif n == 81 then
        -- One deadline (the common case): read in place.
        if not live(dls, 0, s) then
          nGone = nGone + 1
          gone[nGone] = dls .. id
          s.dls = nil
        end
      else
        local keep, nKeep = {}, 0
        for at = 1, n, 81 do
          local prefix = sub(dls, at, at + 80)
          if live(dls, at - 1, s) then
            nKeep = nKeep + 1
            keep[nKeep] = prefix
          else
            nGone = nGone + 1
            gone[nGone] = prefix .. id
          end
        end
        if nKeep * 81 < n then s.dls = nKeep > 0 and table.concat(keep) or nil end
      end
    end
  end
  if nDead > 0 then
    -- The dead ones left at the front are among these (their sessions are held); unless a
    -- session's dls missed one, each goes once.
    local listed = {}
    for i = 1, nGone do listed[gone[i]] = true end
    local left = {}
    for i = 1, nDead do
      if not listed[dead[i]] then left[#left + 1] = dead[i] end
    end
    dead, nDead = left, #left
  end
  if nGone + nDead > 0 then A.dropDeadlines(gone) end
end

--- The earliest live deadline (its score text), dropping dead ones from the front. A deadline's
--- liveness depends only on its session: when the front is the
--- one the last call found live (meta.front), and this call neither read that session nor
--- configured a group, it is still live and nothing needs reading. Sessions read here are not
--- kept for writing: nothing changes after this in a call. `later`: how many commands of the call
--- come after this one.
function A.nextDeadline(later)
  local meta = S.meta()
  while true do
    if not frontKnown then
      frontKnown = true
      local first = aheadFirst
      if first <= aheadLast then
        local m = ahead[first]
        aheadFirst = first + 1
        frontMember, frontScore, frontSid = m, false, sub(m, 82)
      else
        -- The rank as a number: Redis formats it in C (a text would be a string.format per new
        -- rank). No scores: Redis formats each with %.17g (~5,000 instructions), and most
        -- members read here are dead ones.
        local r = redis.call('ZRANGE', K.deadlines, nDead, nDead + (later < AHEAD and later or AHEAD - 1))
        local n = #r
        if n == 0 then
          frontMember = false
        else
          local m = r[1]
          frontMember, frontScore, frontSid = m, false, sub(m, 82)
          for i = 2, n do ahead[i - 1] = r[i] end
          aheadFirst, aheadLast = 1, n - 1
        end
      end
    end
    local member, score, sid = frontMember, frontScore, frontSid
    if not member then
      meta.front, meta.fnext = nil, nil
      return nil
    end
    -- A member's time is in it (hexd), so its score never changes: meta keeps the front's text.
    if member == meta.front then
      if not score then
        score = meta.fnext or false
        frontScore = score
      end
      if score and S.sessions[sid] == nil and not S.groupConfigured then return score end
    end
    local at = live(member, 0, S.peekSession(sid), score)
    if at then
      if not score then
        -- Its time is the session's field that matched it, or (Overflow, Ring) its hexd.
        score = num(at ~= true and at or C.unhexd(sub(member, 1, 16)))
        frontScore = score
      end
      meta.front, meta.fnext = member, score
      return score
    end
    if S.sessions[sid] then
      -- Its session's deadlines are pruned at the end of the call: left in place until then.
      nDead = nDead + 1
      if nDead == 1 then dead = {} end
      dead[nDead] = member
      frontKnown = false
    else
      A.dropDeadlines({ member })
    end
  end
end

-- What the hot path (a free agent taking the head of a group queue, offers, deadlines read at the
-- front) never runs: strategy changes, targeted and competing queues, the tick's deadline reads.
-- Defined on first use (an EVALSHA script creates every function of the chunk again on each call).
local function defineRare()
  local LETTER = { equal = 'e', ['longest-idle'] = 'l', ['least-occupied'] = 'o', ['round-robin'] = 'r' }

  --- The agent's order key in a group of that strategy: 32 hex digits, byte order = (k1, k2) order.
  local function orderKey(a, strategy, gid)
    local k1, k2 = A.score(a, byte(LETTER[strategy]), gid)
    return hexd(k1) .. hexd(k2)
  end

  --- The strategy letters of the agent's memberships, in mem order.
  function A.strategies(a)
    local letters = {}
    for m, gid in ipairs(a.mem) do letters[m] = LETTER[S.group(gid).strat] end
    return table.concat(letters)
  end

  --- A group changed strategy: its members' letters follow.
  function A.restrategize(g)
    for _, aid in ipairs(redis.call('SMEMBERS', K.members(g.id))) do
      local a = S.agent(aid)
      a.ms = A.strategies(a)
    end
  end

  --- Re-key every agent filed in the group's heaps (strategy changed, or a new day).
  function A.rescoreGroup(g)
    local strategy = g.strat
    local removed, added = {}, {}
    for c = 0, 4 do
      local prefix = (prefixes[g.id] or A.heapPrefixes(g.id))[c]
      local n = #prefix
      for _, old in ipairs(redis.call('ZRANGE', K.heaps, '[' .. prefix, '[' .. prefix .. '\255', 'BYLEX')) do
        local a = S.agent(sub(old, n + 50))
        local key = orderKey(a, strategy, g.id)
        local member = prefix .. key .. sub(old, n + 33)
        if member ~= old then
          removed[#removed + 1] = old
          added[#added + 1] = '0'
          added[#added + 1] = member
        end
        -- Every filed channel of a membership shares its key.
        local keys = a.hk
        for m, gid in ipairs(a.mem) do
          if gid == g.id then keys = sub(keys, 1, m * 32 - 16) .. key .. sub(keys, m * 32 + 17) end
        end
        a.hk = keys
      end
    end
    if #removed > 0 then redis.call('ZREM', K.heaps, unpack(removed)) end
    if #added > 0 then redis.call('ZADD', K.heaps, unpack(added)) end
  end

  function A.sessionBefore(x, y)
    return x.rank < y.rank or (x.rank == y.rank and x.seq < y.seq)
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

  --- A deadline as read (member and score text); its time as a number only when asked (A.deadlineAt).
  function A.parseDeadline(member, score)
    return { member = member, score = score, atKey = sub(member, 1, 16), kind = byte(member, 49) - 48, sid = sub(member, 82) }
  end

  function A.deadlineAt(d)
    local at = d.at
    if at == nil then
      at = d.score and tonumber(d.score) or C.unhexd(d.atKey)
      d.at = at
    end
    return at
  end

  --- Whether a deadline (A.parseDeadline's) still means something; see live.
  function A.isLive(d, s)
    return live(d.member, 0, s, d.score)
  end
end

C.definedOnFirstUse(A, defineRare)
