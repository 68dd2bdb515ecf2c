-- Which of KEYS are non-empty lists, by position (1-based): one short answer instead of a
-- length per key, since most queues are empty at any moment.
local out = {}
for i, k in ipairs(KEYS) do
  if redis.call('LLEN', k) > 0 then out[#out + 1] = i end
end
return out
