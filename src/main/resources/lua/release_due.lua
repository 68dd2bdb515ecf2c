-- Moves tasks whose retry is due (score at or before ARGV[1]) from the sorted set KEYS[1] to the
-- tail of the list of their priority, at most ARGV[2], in one step: KEYS[2 + p] for priority p
-- (0 to #KEYS - 2); a task that says none, or one out of range, has ARGV[3], the default.
-- Returns how many.
for i = 2, #KEYS do
  if not isList(KEYS[i]) then return redis.error_reply(KEYS[i] .. ' is not a list') end
end
local t = redis.call('TYPE', KEYS[1])
t = type(t) == 'table' and t.ok or t
if t ~= 'zset' and t ~= 'none' then return redis.error_reply(KEYS[1] .. ' is not a sorted set') end
local default = tonumber(ARGV[3])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, m in ipairs(due) do
  local p = default
  local ok, task = pcall(cjson.decode, m)
  if ok and type(task) == 'table' and type(task.priority) == 'number' and task.priority == math.floor(task.priority)
      and task.priority >= 0 and task.priority <= #KEYS - 2 then
    p = task.priority
  end
  redis.call('RPUSH', KEYS[2 + p], m)
  redis.call('ZREM', KEYS[1], m)
end
return #due
