-- Routing script, part 0: the locals every part shares. The chunk's top level is only these; each
-- part runs as a function of its own (script.ts): its functions capture the few locals of that
-- function, not a long list of the chunk's (an EVALSHA script creates every function again on
-- each call, and each capture searches the list of open upvalues).

-- The module tables, each made by one constructor naming what its part defines: Lua 5.1 sizes a
-- constructor's hash part at once, where a table filled field by field is rehashed at 1, 2, 4, 8...
-- entries (an EVALSHA script builds them again on every call). A name left out costs a rehash.
local C = { setNow = false, definedOnFirstUse = false, hex16 = false, serial = false, dec16 = false }
local K = {
  use = false, meta = false, groups = false, agents = false, live = false, esc = false, deadlines = false,
  heaps = false, gx = false, events = false, group = false, agent = false, session = false, history = false,
  queue = false,
}
-- Made by their parts: L (15-layout, generated), S (20-store), A (30-heaps, 40-state), R (50-router).
local L, S, A, R
-- Per call: the caller's clock, the next local midnight (its text: only a new day parses it), the
-- router options, the open state of groups (the library is loaded once and its functions run many
-- times: per-call state is reset by main). `main` is defined by part 90 and wrapped by the fence (95).
local NOW, NEXTDAY, OPT, HOURS, main
-- What most parts call, shared (a local each part aliased was one more upvalue made per call and
-- part): string's functions, and part 10's exact number texts (num), JSON strings (jsonString),
-- order-preserving hex texts (hexd) and channel digits (DIGIT).
local sub, byte, find = string.sub, string.byte, string.find
local num, jsonString, hexd, DIGIT
