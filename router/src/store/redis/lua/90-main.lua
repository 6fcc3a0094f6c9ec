-- Routing script, part 6: one call = one command. keys[1]: the tenant prefix. argv: op, now, next
-- local midnight, options, hours, checks, command, stream length (0: no stream), annotations.
-- Replies are strings only; OK replies end with the stream entry id of the command's events ('' when
-- none was added). script.ts registers `main` as the library's function.

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

local function deadlineText()
  return A.nextDeadline() or ''
end

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

local EMPTY = {}
local function decode(text)
  if text == '[]' or text == '{}' then return EMPTY end
  return cjson.decode(text)
end

-- The next local midnight, parsed only when a day ends.
local nextDayText
local function nextDay()
  return number(nextDayText)
end
NEXTDAY = nextDay

main = function(keys, argv)
  K.use(keys[1])
  S.reset()
  A.reset()
  R.reset()
  C.setNow(tonumber(argv[2]), argv[2])
  nextDayText = argv[3]
  if argv[4] ~= optionsText then
    optionsText = argv[4]
    OPT = setmetatable({}, lazyOptions)
  end
  HOURS = decode(argv[5])

  local failedStep, observed = R.check(decode(argv[6]))
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

  A.pruneDeadlines()
  local nextAt = deadlineText()
  S.flush()
  local events = C.objects(R.out)
  local streamLength = number(argv[8])
  local entryId = ''
  if #R.out > 0 and streamLength > 0 then
    entryId = redis.call('XADD', K.events, 'MAXLEN', '~', argv[8], '*', 'events', events, 'annotations', argv[9], 'next', nextAt)
  end
  local closed = ''
  if R.closed then closed = C.object({ groupId = R.closed.groupId, nextOpenAt = R.closed.nextOpenAt }) end
  return { 'OK', nextAt, closed, events, #R.hoursUsed == 0 and '[]' or C.json(R.hoursUsed), entryId }
end
