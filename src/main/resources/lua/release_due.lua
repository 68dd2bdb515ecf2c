-- Moves tasks whose retry is due (score at or before ARGV[1]) from the sorted set KEYS[1] to the
-- tail of KEYS[2], at most ARGV[2], in one step. Returns how many.
if not isList(KEYS[2]) then return redis.error_reply(KEYS[2] .. ' is not a list') end
local t = redis.call('TYPE', KEYS[1])
t = type(t) == 'table' and t.ok or t
if t ~= 'zset' and t ~= 'none' then return redis.error_reply(KEYS[1] .. ' is not a sorted set') end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, m in ipairs(due) do
  redis.call('RPUSH', KEYS[2], m)
  redis.call('ZREM', KEYS[1], m)
end
return #due
