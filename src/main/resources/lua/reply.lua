-- For each (list, text) pair from ARGV[4] on, pushes the text onto the list; each list then
-- expires ARGV[2] seconds later. With a fence (ARGV[1] holder, ARGV[3] installation; KEYS[1] the
-- lease, KEYS[2] the stamp) nothing is pushed unless that holder leads that installation.
local fenced = fenceProblem(KEYS[1], KEYS[2], ARGV[1], ARGV[3])
if fenced then return redis.error_reply(fenced) end
local lists = {}
for i = 4, #ARGV, 2 do
  redis.call('RPUSH', ARGV[i], ARGV[i + 1])
  lists[ARGV[i]] = true
end
for k, _ in pairs(lists) do redis.call('EXPIRE', k, ARGV[2]) end
return 1
