-- Takes the tasks whose ids are ARGV[4..] out of the list KEYS[1] and answers each with a
-- CANCELLED result on KEYS[2] (finished at ARGV[1], with the JSON string ARGV[2] as its error, on
-- node ARGV[3] unless ''), in one step; returns the ids found. Task texts start with their id (the
-- JSON writer's field order), which is what is matched. Few are taken out one by one; many, by
-- writing the list again without them.
if not isList(KEYS[1]) then return redis.error_reply(KEYS[1] .. ' is not a list') end
if not isList(KEYS[2]) then return redis.error_reply(KEYS[2] .. ' is not a list') end
local want = {}
for i = 4, #ARGV do want[ARGV[i]] = true end
local node = ARGV[3] ~= '' and (',"node":' .. cjson.encode(ARGV[3])) or ''
local n = redis.call('LLEN', KEYS[1])
local matched = {}
local found = {}
for from = 0, n - 1, 1000 do
  local chunk = redis.call('LRANGE', KEYS[1], from, from + 999)
  for _, v in ipairs(chunk) do
    local id = string.match(v, '^{"id":"([^"]+)"')
    if id and want[id] then
      want[id] = nil
      matched[#matched + 1] = v
      found[#found + 1] = id
    end
  end
end
if #found == 0 then return found end
if #found <= 50 then
  for _, v in ipairs(matched) do redis.call('LREM', KEYS[1], 1, v) end
else
  local gone = {}
  for _, v in ipairs(matched) do gone[v] = true end
  local keep = {}
  for _, v in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
    if not gone[v] then keep[#keep + 1] = v end
  end
  redis.call('DEL', KEYS[1])
  for i = 1, #keep, 1000 do redis.call('RPUSH', KEYS[1], unpack(keep, i, math.min(#keep, i + 999))) end
end
local results = {}
for _, v in ipairs(matched) do
  results[#results + 1] = '{"task":' .. v .. node .. ',"status":"CANCELLED","error":' .. ARGV[2]
    .. ',"startedAtMs":0,"finishedAtMs":' .. ARGV[1] .. ',"durationMs":0}'
end
for i = 1, #results, 1000 do redis.call('RPUSH', KEYS[2], unpack(results, i, math.min(#results, i + 999))) end
return found
