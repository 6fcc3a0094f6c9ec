// scratch: Lua line profile of the routing script (count hook), on a redis-server built with `debug` kept.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { RedisEngine, RoutingScript } from '../src/store/redis/index.js';
import { routingScriptSource } from '../src/store/redis/script.js';
import { freePort } from '../test/store/redis/redis-server.js';
import { loadTenant, lifecycleDriver } from './redis.js';

const WARM = Number(process.env.WARM ?? 2000);
const N = Number(process.env.N ?? 4000);
const EVERY = Number(process.env.EVERY ?? 53);
const port = await freePort();
const child = spawn(process.env.REDIS_BIN ?? '/tmp/rprof/src/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
const admin = new Redis({ port, retryStrategy: () => 100 });
for (let i = 0; i < 200; i++) {
  try { if ((await admin.ping()) === 'PONG') break; } catch { /* */ }
  await new Promise((r) => setTimeout(r, 100));
}
const hook = `
local REG = debug.getregistry()
local function ZZHOOK()
  if not REG.zzon then return end
  local counts = REG.zzp
  if not counts then counts = {}; REG.zzp = counts end
  local getinfo = debug.getinfo
  debug.sethook(function(ev)
    if ev == 'call' then
      local f = getinfo(2, 'S')
      if f.what == 'C' then
        local c = getinfo(3, 'l')
        local k = 'C' .. (c and c.currentline or -1)
        counts[k] = (counts[k] or 0) + 1
      end
      return
    end
    local i = getinfo(2, 'l')
    local l = i and i.currentline or -1
    counts[l] = (counts[l] or 0) + 1
  end, 'c', ${EVERY})
end
`;
const base = routingScriptSource();
const source = hook + base.replace('main = function(keys, argv)\n', 'main = function(keys, argv)\n  ZZHOOK()\n');
const CALL = (process.env.CALL ?? 'evalsha') as 'evalsha';
const script = new RoutingScript(CALL, source);
writeFileSync((process.env.LP_DIR ?? '/tmp/lp') + '/eval.lua', CALL === 'evalsha' ? script.evalCode : script.code);
const client = new Redis({ port, enableAutoPipelining: true });
const engine = await RedisEngine.open({ client, tenant: 'bench', script, timers: false, streamMaxLength: 10000 });
const { arrival } = await loadTenant(engine);
const driver = lifecycleDriver(engine, arrival);
let done = 0, target = WARM, stop = false;
let phaseEnd: () => void = () => undefined;
const loop = async () => { while (!stop) { await driver.one(); if (++done === target) phaseEnd(); } };
const run = (n: number) => new Promise<void>((resolve) => { target = done + n; phaseEnd = resolve; });
const loops = Array.from({ length: 64 }, loop);
await run(WARM);
await admin.eval('debug.getregistry().zzon = true; debug.getregistry().zzp = {}', 0);
const start = done;
await run(N);
await admin.eval('debug.getregistry().zzon = false', 0);
const decided = done - start;
const out = (await admin.eval("local o = {} for k, v in pairs(debug.getregistry().zzp) do o[#o+1] = tostring(k) .. ' ' .. v end return o", 0)) as string[];
writeFileSync((process.env.LP_DIR ?? '/tmp/lp') + '/counts.txt', `${decided} ${EVERY}\n` + out.join('\n'));
console.log(JSON.stringify({ decided, lines: out.length }));
stop = true;
await Promise.all(loops);
await engine.close();
client.disconnect(); admin.disconnect(); child.kill('SIGTERM');
