-- Appends ARGV[2..] (tasks, none to only wake the placer) to KEYS[1], the list of one priority,
-- and, when that is not KEYS[2] (tasks:submitted, the list the placer waits on when all are empty)
-- and KEYS[2] is empty, appends the wake-up ARGV[1] to KEYS[2], so that a placer waiting there
-- takes at once (its take drops the wake-up). So there is at most one wake-up, at the head
-- unless tasks sent back from a node were put ahead of it since.
if not isList(KEYS[1]) then return redis.error_reply(KEYS[1] .. ' is not a list') end
if not isList(KEYS[2]) then return redis.error_reply(KEYS[2] .. ' is not a list') end
for i = 2, #ARGV, 1000 do
  redis.call('RPUSH', KEYS[1], unpack(ARGV, i, math.min(#ARGV, i + 999)))
end
if KEYS[1] ~= KEYS[2] and redis.call('LLEN', KEYS[2]) == 0 then
  redis.call('RPUSH', KEYS[2], ARGV[1])
end
return 0
