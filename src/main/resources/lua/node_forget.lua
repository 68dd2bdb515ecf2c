-- Forgets an offline node with nothing left on it. KEYS[1] its stats, KEYS[2] and KEYS[3] its queue
-- and in-flight list, KEYS[4..6] its other keys, KEYS[7] the drained set, KEYS[8] the registry;
-- ARGV[1] its id. Returns -1 if the node is online, the tasks it holds if any, else 0 after
-- forgetting it.
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local held = redis.call('LLEN', KEYS[2]) + redis.call('LLEN', KEYS[3])
if held > 0 then return held end
redis.call('DEL', KEYS[4], KEYS[5], KEYS[6])
redis.call('SREM', KEYS[7], ARGV[1])
redis.call('SREM', KEYS[8], ARGV[1])
return 0
