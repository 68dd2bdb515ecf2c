-- Gives the installation stamp KEYS[1] of installation ARGV[1] the name ARGV[2], keeping its
-- expiry; returns 0 when Redis holds another installation's stamp, else 1.
local cur = redis.call('GET', KEYS[1])
if not cur or string.match(cur, '^(%S+)') ~= ARGV[1] then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ttl)
else redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2]) end
return 1
