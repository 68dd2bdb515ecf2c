-- Every task id in every list a task can be in, read in one atomic step: the shared lists (and
-- the sorted set of retries waiting out their back-off) KEYS[1..n-1], then for each node in the
-- registry set KEYS[n] the lists whose names are ARGV[i] .. id .. ARGV[i + 1] for each pair of
-- ARGV. A list holds tasks ({"id": ...}) or results ({"task": {"id": ...}}); a text that is not
-- JSON names no task, and a key of another type none.
local ids = {}
local function scan(key)
  local t = redis.call('TYPE', key)
  t = type(t) == 'table' and t.ok or t
  local values = t == 'zset' and redis.call('ZRANGE', key, 0, -1) or t == 'list' and redis.call('LRANGE', key, 0, -1) or {}
  for _, v in ipairs(values) do
    local ok, m = pcall(cjson.decode, v)
    if ok and type(m) == 'table' then
      local task = type(m.task) == 'table' and m.task or m
      if type(task.id) == 'string' then ids[#ids + 1] = task.id end
    end
  end
end
for i = 1, #KEYS - 1 do scan(KEYS[i]) end
for _, node in ipairs(redis.call('SMEMBERS', KEYS[#KEYS])) do
  for i = 1, #ARGV, 2 do scan(ARGV[i] .. node .. ARGV[i + 1]) end
end
return ids
