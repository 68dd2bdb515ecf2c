-- The same as cancel_in_list.lua for tasks waiting out a retry's back-off in the sorted set KEYS[1].
if not isList(KEYS[2]) then return redis.error_reply(KEYS[2] .. ' is not a list') end
local t = redis.call('TYPE', KEYS[1])
t = type(t) == 'table' and t.ok or t
if t == 'none' then return {} end
if t ~= 'zset' then return redis.error_reply(KEYS[1] .. ' is not a sorted set') end
local want = {}
for i = 4, #ARGV do want[ARGV[i]] = true end
local found = {}
for _, v in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local id = string.match(v, '^{"id":"([^"]+)"')
  if id and want[id] then
    want[id] = nil
    found[#found + 1] = id
    redis.call('ZREM', KEYS[1], v)
    redis.call('RPUSH', KEYS[2], '{"task":' .. v .. ',"status":"CANCELLED","error":' .. ARGV[2]
      .. ',"startedAtMs":0,"finishedAtMs":' .. ARGV[1] .. ',"durationMs":0}')
  end
end
return found
