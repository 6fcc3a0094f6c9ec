-- Routing script, part 6: one call = one command. keys[1]: the tenant prefix. argv: op, now, next
-- local midnight, options, hours, checks, command, stream length (0: no stream), annotations.
-- Replies are strings only; OK replies end with the stream entry id of the command's events ('' when
-- none was added). script.ts registers `main` as the library's function.

-- The options are the same on every call of a node: decoded once per distinct text.
local optionsText

local function deadlineText()
  local at = A.nextDeadline()
  return at and C.num(at) or ''
end

local function main(keys, argv)
  K.use(keys[1])
  S.reset()
  A.reset()
  R.reset()
  NOW = tonumber(argv[2])
  NEXTDAY = tonumber(argv[3])
  if argv[4] ~= optionsText then
    OPT = cjson.decode(argv[4])
    optionsText = argv[4]
  end
  HOURS = cjson.decode(argv[5])

  local failedStep, observed = R.check(cjson.decode(argv[6]))
  if failedStep then
    return { 'CHECK', deadlineText(), C.num(failedStep), observed and C.num(observed) or '' }
  end

  local ok, err = pcall(R.execute, cjson.decode(argv[7]))
  if not ok then
    if type(err) ~= 'table' or not (err.routing or err.hours) then error(err, 0) end
    if err.hours then return { 'HOURS', err.hours, C.num(err.version), err.cfg } end
    local info = { code = err.code, message = err.message }
    if err.details then info.details = { __raw = C.object(err.details) } end
    return { 'ERR', deadlineText(), C.object(info), C.json(R.hoursUsed) }
  end

  local nextAt = deadlineText()
  S.flush()
  local parts = {}
  for i, e in ipairs(R.out) do parts[i] = C.object(e) end
  local events = '[' .. table.concat(parts, ',') .. ']'
  local streamLength = tonumber(argv[8])
  local entryId = ''
  if #parts > 0 and streamLength > 0 then
    entryId = redis.call('XADD', K.events, 'MAXLEN', '~', streamLength, '*', 'events', events, 'annotations', argv[9], 'next', nextAt)
  end
  local closed = ''
  if R.closed then closed = C.object({ groupId = R.closed.groupId, nextOpenAt = R.closed.nextOpenAt }) end
  return { 'OK', nextAt, closed, events, C.json(R.hoursUsed), entryId }
end
