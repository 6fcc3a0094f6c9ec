-- Routing script, part 7: the fence of a pipelined engine. An engine may send its next call before
-- the one in flight has returned (pipeline depth 2). That call names the call before it (`after`),
-- and runs only if that one decided all its commands: a call that stopped for a group's hours,
-- failed, or never ran (NOSCRIPT, a reordering during a cluster redirection) leaves its successor
-- FENCED, with nothing of it applied, and the engine sends those commands again in their order.
-- P:f:<token> holds, per engine (a random token), the sequence number of its last call that decided
-- all its commands; it expires an hour after the engine's last call.
--
-- Arguments after the batch's commands (none: an engine without pipelining): token, seq, after.

local decide = main

main = function(keys, argv)
  local base = 5 + tonumber(argv[4]) * 6
  local token = argv[base]
  if not token then return decide(keys, argv) end
  local key = keys[1] .. ':f:' .. token
  local after = argv[base + 2]
  if after ~= '' and redis.call('GET', key) ~= after then return { '0', 'FENCED' } end
  local reply = decide(keys, argv)
  if reply[1] == argv[4] then
    redis.call('SET', key, argv[base + 1], 'EX', 3600)
  else
    redis.call('DEL', key)
  end
  return reply
end
