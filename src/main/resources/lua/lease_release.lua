-- Gives up the lease KEYS[1] if holder ARGV[1] has it, and leaves the standby set KEYS[2].
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
