-- Schedules retries in the sorted set KEYS[1], each at most once: the i-th, member ARGV[2i] due at
-- score ARGV[2i + 1], is added only if its marker KEYS[1 + i] does not exist yet, and the marker is
-- then set, kept ARGV[1] seconds. A failure is stored again when the coordinator that stored it
-- died before dropping it from results:storing, and makes the same retry again: the marker says
-- whether that retry was scheduled, wherever it has gone since (placed, running, even finished).
-- Returns, for each retry in order, 1 if it was added now and 0 if it had been before.
local t = redis.call('TYPE', KEYS[1])
t = type(t) == 'table' and t.ok or t
if t ~= 'zset' and t ~= 'none' then return redis.error_reply(KEYS[1] .. ' is not a sorted set') end
local added = {}
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
    redis.call('ZADD', KEYS[1], ARGV[2 * (i - 1) + 1], ARGV[2 * (i - 1)])
    added[#added + 1] = 1
  else
    added[#added + 1] = 0
  end
end
return added
