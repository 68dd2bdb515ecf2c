-- Schedules retries in the sorted set KEYS[1] and marks each one scheduled: the i-th, member
-- ARGV[3i - 1] due at score ARGV[3i], has the mark KEYS[1 + i], kept ARGV[1] seconds. A failure
-- is stored a second time when the coordinator that stored it died before dropping it from
-- results:storing, and makes the same retry again: such a retry, flagged by ARGV[3i + 1] = '1',
-- is added only if its mark does not exist yet (its retry was not scheduled then; if it was, it
-- may be placed, running or even finished by now). Any other is added, and marked, whatever.
-- Returns, for each retry in order, 1 if it was added now and 0 if not.
local t = redis.call('TYPE', KEYS[1])
t = type(t) == 'table' and t.ok or t
if t ~= 'zset' and t ~= 'none' then return redis.error_reply(KEYS[1] .. ' is not a sorted set') end
local added = {}
for i = 2, #KEYS do
  local k = i - 1
  local member, score, once = ARGV[3 * k - 1], ARGV[3 * k], ARGV[3 * k + 1]
  local fresh
  if once == '1' then
    fresh = redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1])
  else
    fresh = redis.call('SET', KEYS[i], '1', 'EX', ARGV[1])
  end
  if fresh then
    redis.call('ZADD', KEYS[1], score, member)
    added[#added + 1] = 1
  else
    added[#added + 1] = 0
  end
end
return added
