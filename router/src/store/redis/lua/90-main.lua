-- Routing script, part 6: one call = a batch of commands (group commit; see main). keys[1]: the
-- tenant prefix. Replies are strings only; a command's OK reply ends with the stream entry id of
-- its events ('' when none was added). script.ts registers `main` as the library's function.

-- The options are the same on every call of a node: decoded once per distinct text (as a library;
-- as a script, only by a call that reads them: most commands never do).
local optionsText
local lazyOptions = {
  __index = function(t, k)
    setmetatable(t, nil)
    for name, v in pairs(cjson.decode(optionsText)) do t[name] = v end
    return rawget(t, k)
  end,
}

-- Arguments that repeat from call to call (the next midnight, the stream length) are parsed once
-- per distinct text: turning text into a number costs the script more than most of a decision.
local parsed, parsedCount = {}, 0
local function number(text)
  local n = parsed[text]
  if n == nil then
    n = tonumber(text)
    if parsedCount >= 64 then parsed, parsedCount = {}, 0 end
    parsed[text] = n
    parsedCount = parsedCount + 1
  end
  return n
end

-- Hours and checks are most often empty ('{}', '[]'): no cjson call for those.
local EMPTY = {}

--- One command of the batch at argv[base + 1 ..], `later` more after it: its reply fields (6
--- values), or nil and the HOURS reply when the caller must supply a group's hours first (nothing
--- of the command was applied: the script asks for hours before the command's first change).
local function one(argv, base, later)
  R.reset()
  -- The commands of a batch were mostly sent within the same millisecond: one parse per clock text.
  C.setNow(number(argv[base + 1]), argv[base + 1])
  NEXTDAY = argv[base + 2]
  local hours, checks = argv[base + 3], argv[base + 4]
  HOURS = (hours == '{}' or hours == '[]') and EMPTY or cjson.decode(hours)

  local failedStep, observed = R.check((checks == '[]' or checks == '{}') and EMPTY or cjson.decode(checks))
  if failedStep then
    return 'CHECK', A.nextDeadline(later) or '', num(failedStep), observed and num(observed) or '', '', ''
  end

  local ok, err = pcall(R.execute, cjson.decode(argv[base + 5]))
  A.flushQueues()
  if not ok then
    if type(err) ~= 'table' or not (err.routing or err.hours) then error(err, 0) end
    if err.hours then return nil, { 'HOURS', err.hours, num(err.version), err.cfg } end
    local info = { code = err.code, message = err.message }
    if err.details then info.details = { __raw = C.object(err.details) } end
    return 'ERR', A.nextDeadline(later) or '', C.object(info), C.json(R.hoursUsed or EMPTY), '', ''
  end

  local closed = ''
  if R.closed then closed = C.object({ groupId = R.closed.groupId, nextOpenAt = R.closed.nextOpenAt }) end
  -- The stream entry is added after the records are written (see main); its id goes in field 6.
  return 'OK', A.nextDeadline(later) or '', closed, R.eventsJson(), R.hoursUsed and C.json(R.hoursUsed) or '[]', ''
end

--- A batch: argv = op, options, stream length, n, then per command (6 fields; a literal below, as
--- a local it would be one more upvalue made per call): now, next local midnight, hours, checks,
--- command, annotations. The commands are decided in order, each on the
--- state the previous ones left, against one record cache: a record several of them read is
--- decoded once and written once, at the end. Reply: the number of commands decided, their
--- replies (6 fields each), then, when the batch stopped at a command that needs a group's
--- hours, 'HOURS', group, version, configuration: the caller sends that command and the rest again.
main = function(keys, argv)
  K.use(keys[1])
  S.reset()
  A.reset()
  if argv[2] ~= optionsText then
    optionsText = argv[2]
    OPT = setmetatable({}, lazyOptions)
  end
  local streamLength = number(argv[3])
  local n = tonumber(argv[4])
  local reply, done, stop = { '' }, 0, nil
  for c = 0, n - 1 do
    local f1, f2, f3, f4, f5, f6 = one(argv, 4 + c * 6, n - 1 - c)
    if not f1 then
      stop = f2
      break
    end
    local at = 1 + done * 6
    reply[at + 1], reply[at + 2], reply[at + 3], reply[at + 4], reply[at + 5], reply[at + 6] = f1, f2, f3, f4, f5, f6
    done = done + 1
  end
  reply[1] = num(done)

  A.pruneDeadlines()
  S.flush()
  -- One stream entry per call: per command with events, an `events` field and (when it has
  -- any) an `annotations` field, in decision order, then `next` (the earliest deadline after the
  -- call). One XADD instead of one per command; each command's reply carries the entry's id.
  if streamLength > 0 and done > 0 then
    local xadd, x, streamed = { 'XADD', K.events, '*' }, 3, {}
    for c = 0, done - 1 do
      local at = 1 + c * 6
      if reply[at + 1] == 'OK' and reply[at + 4] ~= '[]' then
        streamed[#streamed + 1] = at + 6
        xadd[x + 1], xadd[x + 2] = 'events', reply[at + 4]
        x = x + 2
        local annotations = argv[4 + c * 6 + 6]
        if annotations ~= '[]' and annotations ~= '' then
          xadd[x + 1], xadd[x + 2] = 'annotations', annotations
          x = x + 2
        end
      end
    end
    if streamed[1] then
      xadd[x + 1], xadd[x + 2] = 'next', reply[3 + (done - 1) * 6]
      local id = redis.call(unpack(xadd))
      for i = 1, #streamed do reply[streamed[i]] = id end
      -- Trimmed once per call, approximately (whole stream nodes), as each XADD's MAXLEN ~ would.
      redis.call('XTRIM', K.events, 'MAXLEN', '~', argv[3])
    end
  end
  if stop then
    for f = 1, 4 do reply[#reply + 1] = stop[f] end
  end
  return reply
end
