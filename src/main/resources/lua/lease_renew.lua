-- The coordinator's lease. KEYS[1] the lease, KEYS[2] the installation's stamp, KEYS[3] the
-- standby set; ARGV[1] the holder, ARGV[2] the lease's time to live in ms, ARGV[3] the
-- installation's id, ARGV[4] its stamp, ARGV[5] the stamp's time to live in ms. Returns {1 or 0
-- (leader or not), stamp before} or {-1, the other installation's stamp}. A holder that does not
-- get the lease is entered in the standby set until Redis's own clock passes the lease's time to
-- live, so the dashboard can tell "one working, one standing by" from "one working"
-- (replicate_commands: TIME before a write, for Redis 5).
redis.replicate_commands()
local cur = redis.call('GET', KEYS[2])
if cur and string.match(cur, '^(%S+)') ~= ARGV[3] then
  if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
  redis.call('ZREM', KEYS[3], ARGV[1])
  return {-1, cur}
end
local ours = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ours = 1
elseif redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  ours = 1
end
if ours == 1 then
  if cur then redis.call('PEXPIRE', KEYS[2], ARGV[5]) -- keeps a name given since
  else redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5]) end
  redis.call('ZREM', KEYS[3], ARGV[1])
else
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[3], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2]), ARGV[1])
end
return {ours, cur or ''}
