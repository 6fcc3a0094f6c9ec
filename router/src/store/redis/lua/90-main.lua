-- Routing script, part 6: one call = one command. ARGV: op, now, next local midnight, options,
-- hours, checks, command, stream length (0: no stream), annotations. Replies are strings only;
-- OK replies end with the stream entry id of the command's events ('' when none was added).

NOW = tonumber(ARGV[2])
NEXTDAY = tonumber(ARGV[3])
OPT = cjson.decode(ARGV[4])
HOURS = cjson.decode(ARGV[5])

local function deadlineText()
  local at = A.nextDeadline()
  return at and C.num(at) or ''
end

local failedStep, observed = R.check(cjson.decode(ARGV[6]))
if failedStep then
  return { 'CHECK', deadlineText(), C.num(failedStep), observed and C.num(observed) or '' }
end

local ok, err = pcall(R.execute, cjson.decode(ARGV[7]))
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
local streamLength = tonumber(ARGV[8])
local entryId = ''
if #parts > 0 and streamLength > 0 then
  entryId = redis.call('XADD', K.events, 'MAXLEN', '~', streamLength, '*', 'events', events, 'annotations', ARGV[9], 'next', nextAt)
end
local closed = ''
if R.closed then closed = C.object({ groupId = R.closed.groupId, nextOpenAt = R.closed.nextOpenAt }) end
return { 'OK', nextAt, closed, events, C.json(R.hoursUsed), entryId }
