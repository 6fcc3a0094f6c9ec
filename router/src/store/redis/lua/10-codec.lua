-- Routing script, part 1: exact numbers, JSON out, order-preserving sort keys and key names.
-- Lua's tostring and cjson.encode keep 14 digits, so every number this script writes goes through %.17g.

local fmt = string.format

-- The caller's clock as it sent it (its shortest round-trip text), set per call.
local nowText

function C.setNow(now, text)
  NOW = now
  nowText = text
end

--- Exact text of a number: integers below 2^53 by %d (a lot cheaper than %.17g), others %.17g.
-- Texts made are kept up to a bound, as hexd's (a call formats the same deadline for its event and
-- its score, the same small counts again and again; each format is a C call, ~2,700 instructions).
-- Zero is not kept: -0 is the same key and another text.
local NUM, numCount = {}, 0
function num(x)
  if x == NOW then return nowText end
  local text = NUM[x]
  if text then return text end
  if x % 1 == 0 and x < 2 ^ 53 and x > -2 ^ 53 and (x ~= 0 or 1 / x > 0) then
    text = fmt('%d', x)
  else
    text = fmt('%.17g', x)
  end
  if x ~= 0 and x == x then
    if numCount >= 4096 then NUM, numCount = {}, 0 end
    NUM[x] = text
    numCount = numCount + 1
  end
  return text
end

-- JSON text of strings, kept across calls up to a bound (event types, ids met again and again).
local STR, strCount = {}, 0
function jsonString(v)
  local text = STR[v]
  if text == nil then
    -- cjson's text (one C call: ~900 instructions for an id) is the JSON text the core writes
    -- for ids and names (letters, digits, marks it does not escape); checking the characters
    -- first with a Lua pattern cost ~3,000 (~250 per character), to save cjson's call.
    text = cjson.encode(v)
    if strCount >= 4096 then STR, strCount = {}, 0 end
    STR[v] = text
    strCount = strCount + 1
  end
  return text
end

--- Handlers off the hot path are defined on first use (an EVALSHA script creates every function of
--- the chunk again on each call): the first missing key of `t` runs `define`, which fills `t` (a
--- field of `t` set to nil is missing too: such fields hold false). One metatable for all such
--- tables (a table per use was made on every call): each keeps its define under the key
--- `firstUse` itself (no field name can be that function).
local function firstUse(t, k)
  local define = rawget(t, firstUse)
  setmetatable(t, nil)
  t[firstUse] = nil
  define()
  return rawget(t, k)
end
local ON_FIRST_USE = { __index = firstUse }
function C.definedOnFirstUse(t, define)
  t[firstUse] = define
  return setmetatable(t, ON_FIRST_USE)
end

-- Two hex digits per byte value, made on a call's first new hexd text or serial: as an EVALSHA
-- script the chunk's top level runs on every call (formatting bytes on first use, or the two
-- 32-bit halves with string.format, costs more than making the table).
local HEX
-- The texts made, kept up to a bound: the same numbers come back again and again within a call and
-- across calls (the clock, counters, a session's seq and times checked by every liveness test).
local HEXD, hexdCount = {}, 0

local function hexTable()
  local hex = { [0] = '00',
    '01', '02', '03', '04', '05', '06', '07', '08', '09', '0a', '0b', '0c', '0d', '0e', '0f',
    '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '1a', '1b', '1c', '1d', '1e', '1f',
    '20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '2a', '2b', '2c', '2d', '2e', '2f',
    '30', '31', '32', '33', '34', '35', '36', '37', '38', '39', '3a', '3b', '3c', '3d', '3e', '3f',
    '40', '41', '42', '43', '44', '45', '46', '47', '48', '49', '4a', '4b', '4c', '4d', '4e', '4f',
    '50', '51', '52', '53', '54', '55', '56', '57', '58', '59', '5a', '5b', '5c', '5d', '5e', '5f',
    '60', '61', '62', '63', '64', '65', '66', '67', '68', '69', '6a', '6b', '6c', '6d', '6e', '6f',
    '70', '71', '72', '73', '74', '75', '76', '77', '78', '79', '7a', '7b', '7c', '7d', '7e', '7f',
    '80', '81', '82', '83', '84', '85', '86', '87', '88', '89', '8a', '8b', '8c', '8d', '8e', '8f',
    '90', '91', '92', '93', '94', '95', '96', '97', '98', '99', '9a', '9b', '9c', '9d', '9e', '9f',
    'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'aa', 'ab', 'ac', 'ad', 'ae', 'af',
    'b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9', 'ba', 'bb', 'bc', 'bd', 'be', 'bf',
    'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'ca', 'cb', 'cc', 'cd', 'ce', 'cf',
    'd0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'da', 'db', 'dc', 'dd', 'de', 'df',
    'e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'ea', 'eb', 'ec', 'ed', 'ee', 'ef',
    'f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'fa', 'fb', 'fc', 'fd', 'fe', 'ff',
  }
  HEX = hex
  return hex
end

--- 16 hex digits whose byte order is the numeric order of any finite double (IEEE 754 bits with
--- the sign bit flipped for x >= 0 and every bit flipped for x < 0; -0 counts as 0).
function hexd(x)
  local text = HEXD[x]
  if text then return text end
  local hex = HEX or hexTable()
  -- -0 packs as 0 (the same text, and the same key); NaN is never kept (it cannot be a key).
  if x == 0 then x = 0 end
  local b1, b2, b3, b4, b5, b6, b7, b8 = byte(struct.pack('>d', x), 1, 8)
  if x >= 0 then
    text = hex[b1 + 128] .. hex[b2] .. hex[b3] .. hex[b4] .. hex[b5] .. hex[b6] .. hex[b7] .. hex[b8]
  else
    text = hex[255 - b1] .. hex[255 - b2] .. hex[255 - b3] .. hex[255 - b4] .. hex[255 - b5] .. hex[255 - b6] .. hex[255 - b7] .. hex[255 - b8]
  end
  if x == x then
    if hexdCount >= 4096 then HEXD, hexdCount = {}, 0 end
    HEXD[x] = text
    hexdCount = hexdCount + 1
  end
  return text
end

-- The first 14 of the 16 hex digits of non-negative integers, by n / 256 (C.hex16, C.serial):
-- a session's seq and a deadline's serial are counters, so texts made share them.
local HIGH, highCount = {}, 0
local function highText(high)
  local text = HIGH[high]
  if not text then
    text = fmt('%014x', high)
    if highCount >= 256 then HIGH, highCount = {}, 0 end
    HIGH[high] = text
    highCount = highCount + 1
  end
  return text
end

--- A non-negative integer below 2^53 (a session's seq) as 16 hex digits: byte order = numeric
--- order. Kept up to a bound, as hexd's; a new text joins C.serial's two kept pieces (a new
--- hexd is a struct.pack, 8 lookups and an 8-piece concatenation: ~5,000 instructions; a
--- string.format ~2,700).
local HEX16, hex16Count = {}, 0
function C.hex16(n)
  local text = HEX16[n]
  if text then return text end
  local high, low = C.serial(n)
  text = high .. low
  if hex16Count >= 4096 then HEX16, hex16Count = {}, 0 end
  HEX16[n] = text
  hex16Count = hex16Count + 1
  return text
end

--- A deadline's serial n (a positive integer below 2^53) as 16 hex digits, in two pieces for the
--- caller's concatenation: the 14 digits of n / 256 and the two of its last byte. Its text only
--- makes equal timers distinct members, and is new for every deadline: no text of its own.
function C.serial(n)
  local low = n % 256
  return highText((n - low) / 256), (HEX or hexTable())[low]
end

--- A non-negative integer below 10^16, zero-padded so byte order is numeric order.
function C.dec16(n)
  return fmt('%016d', n)
end

-- What the hot path never runs (the generic JSON encoder: errors, configurations, rare events;
-- hexd texts read back): defined on first use.
local function defineRare()
  -- Object keys are the script's own names: each one's JSON text (with the colon, and with a
  -- leading comma) is made once and kept for the library's lifetime; keys starting with '_' are
  -- private (false).
  local function keyCache(comma)
    return setmetatable({}, {
      __index = function(t, k)
        -- The script's own names: letters only, no escaping.
        local text = sub(k, 1, 1) ~= '_' and comma .. '"' .. k .. '":' or false
        t[k] = text
        return text
      end,
    })
  end
  local KEY, NEXTKEY = keyCache(''), keyCache(',')

  local put, putObject

  --- Appends the JSON of v to buf after its n-th piece; returns the new count.
  function put(buf, n, v)
    local t = type(v)
    if t == 'string' then
      buf[n + 1] = jsonString(v)
      return n + 1
    end
    if t == 'number' then
      buf[n + 1] = num(v)
      return n + 1
    end
    if t == 'boolean' then
      buf[n + 1] = v and 'true' or 'false'
      return n + 1
    end
    local raw = v.__raw
    if raw then
      buf[n + 1] = raw
      return n + 1
    end
    if v[1] ~= nil or next(v) == nil then
      n = n + 1
      buf[n] = '['
      for i = 1, #v do
        if i > 1 then
          n = n + 1
          buf[n] = ','
        end
        n = put(buf, n, v[i])
      end
      buf[n + 1] = ']'
      return n + 1
    end
    return putObject(buf, n, v)
  end

  function putObject(buf, n, v)
    n = n + 1
    buf[n] = '{'
    local keys = KEY
    for k, x in pairs(v) do
      local key = keys[k]
      if key then
        n = n + 1
        buf[n] = key
        n = put(buf, n, x)
        keys = NEXTKEY
      end
    end
    buf[n + 1] = '}'
    return n + 1
  end

  --- JSON text of a string, number, boolean or table; {__raw = text} embeds text as is, keys
  --- starting with '_' are private to the script. An empty table is an empty array.
  function C.json(v)
    local buf = {}
    return table.concat(buf, '', 1, put(buf, 0, v))
  end

  --- JSON object text of a table, even an empty one.
  function C.object(v)
    local buf = {}
    return table.concat(buf, '', 1, putObject(buf, 0, v))
  end

  --- The number a hexd text stands for.
  function C.unhexd(h)
    local hi, lo = tonumber(sub(h, 1, 8), 16), tonumber(sub(h, 9, 16), 16)
    if hi >= 2147483648 then
      hi = hi - 2147483648
    else
      hi, lo = 4294967295 - hi, 4294967295 - lo
    end
    return (struct.unpack('>d', struct.pack('>I4I4', hi, lo)))
  end
end

C.definedOnFirstUse(C, defineRare)

-- Every key of the tenant starts with its prefix '{atende:<tenant>}' (the call's one key), one
-- Redis Cluster slot. Variable ids come last, so no two (kind, channel, level, id) ever share a key.
local P
--- Set per call: the library stays loaded between calls, the tenant changes.
function K.use(prefix)
  if prefix == P then return end
  P = prefix
  K.meta = P .. ':meta'
  K.groups = P .. ':groups'
  K.agents = P .. ':agents'
  K.live = P .. ':live'
  K.esc = P .. ':esc'
  K.deadlines = P .. ':dl'
  K.heaps = P .. ':hx'
  K.gx = P .. ':gx'
  K.events = P .. ':events'
end
function K.group(id) return P .. ':g:' .. id end
function K.agent(id) return P .. ':a:' .. id end
function K.session(id) return P .. ':s:' .. id end
function K.history(id) return P .. ':h:' .. id end
-- Channels and levels are small integers: their text from a table (a number in a concatenation
-- goes through sprintf).
DIGIT = { [0] = '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' }
function K.queue(gid, c, level) return P .. ':q:' .. DIGIT[c] .. ':' .. DIGIT[level] .. ':' .. gid end

-- Keys only configuring, targeted sessions and strategy changes use: defined on first use.
local function defineRareKeys()
  function K.members(id) return P .. ':gm:' .. id end
  function K.groupConfig(id) return P .. ':gc:' .. id end
  function K.agentConfig(id) return P .. ':ac:' .. id end
  function K.personal(aid, c) return P .. ':pq:' .. DIGIT[c] .. ':' .. aid end
  --- A field of P:esc: the group of a (tema, categoria, level).
  function K.escalation(tema, cat, level) return tema .. '\0' .. cat .. '\0' .. string.format('%.17g', level) end
end

C.definedOnFirstUse(K, defineRareKeys)
