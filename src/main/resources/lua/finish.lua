-- An agent's finished tasks: out of its in-flight list KEYS[1] and onto the results list KEYS[2],
-- in one step. ARGV[1] is how many are final, added to the node's done count KEYS[3]; ARGV[2] how
-- many of the pairs, the first ones, go ahead (tasks of a priority above the default's); then for
-- each (in-flight text, result) pair, the result is pushed (at the head of the results, in their
-- order, for those that go ahead; else at the tail) and the text (when not '') removed. Tasks
-- mostly finish in the order they were taken, so those at the head of the in-flight list go with
-- one trim; any others are looked for one by one.
if not isList(KEYS[2]) then return redis.error_reply(KEYS[2] .. ' is not a list') end
local gone = {}
local wanted = 0
local results = {}
local ahead = tonumber(ARGV[2])
for i = 3, #ARGV, 2 do
  if ARGV[i] ~= '' then
    gone[ARGV[i]] = (gone[ARGV[i]] or 0) + 1
    wanted = wanted + 1
  end
  results[#results + 1] = ARGV[i + 1]
end
if wanted > 0 then
  local head = redis.call('LRANGE', KEYS[1], 0, wanted - 1)
  local trimmed = 0
  for _, v in ipairs(head) do
    local left = gone[v]
    if not left or left == 0 then break end
    gone[v] = left - 1
    trimmed = trimmed + 1
  end
  if trimmed > 0 then redis.call('LTRIM', KEYS[1], trimmed, -1) end
  for v, left in pairs(gone) do
    if left > 0 then redis.call('LREM', KEYS[1], left, v) end
  end
end
for i = ahead, 1, -1 do
  redis.call('LPUSH', KEYS[2], results[i])
end
for i = ahead + 1, #results, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(results, i, math.min(#results, i + 999)))
end
if tonumber(ARGV[1]) > 0 then redis.call('INCRBY', KEYS[3], ARGV[1]) end
return 1
