-- Drops the first ARGV[3] messages of KEYS[1], a coordinator's own in-flight list whose order it
-- knows, in one step and only whole: when the list's first message is ARGV[4] and the last of
-- them (at ARGV[3] - 1) is ARGV[5]; else nothing. Checking those two, not every text, spares
-- sending each message back to Redis. With a fence (ARGV[1] holder, ARGV[2] installation; KEYS[2]
-- the lease, KEYS[3] the installation stamp) nothing is dropped unless that holder has the lease
-- of that installation. Returns how many were dropped: ARGV[3], or 0.
local fenced = fenceProblem(KEYS[2], KEYS[3], ARGV[1], ARGV[2])
if fenced then return redis.error_reply(fenced) end
local n = tonumber(ARGV[3])
if n < 1 then return 0 end
if not isList(KEYS[1]) then return redis.error_reply(KEYS[1] .. ' is not a list') end
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[4] or redis.call('LINDEX', KEYS[1], n - 1) ~= ARGV[5] then return 0 end
redis.call('LTRIM', KEYS[1], n, -1)
return n
