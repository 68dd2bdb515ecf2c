-- Takes up to ARGV[1] messages from the head of KEYS[1] to the tail of KEYS[2], a few commands per
-- batch whatever its size; then, while the batch has room, from the head of KEYS[6], KEYS[7]...
-- in turn (the placer's lists of every priority, highest first). A message over ARGV[2] bytes
-- goes to the dead-letter list KEYS[3] instead (kept to ARGV[3] entries; ARGV[4] the time in epoch
-- ms, ARGV[5] how many characters of it are kept) and counts towards the batch, so a batch may
-- come back smaller than what is waiting. A message equal to ARGV[8] (the placer's wake-up, when
-- given) is dropped and does not count, so a batch of one is never only the wake-up. With a fence (ARGV[6] holder, ARGV[7] installation; KEYS[4]
-- the lease, KEYS[5] the installation stamp), nothing is taken unless that holder has the lease
-- of that installation. Returns the messages taken, in order.
local fenced = fenceProblem(KEYS[4], KEYS[5], ARGV[6], ARGV[7])
if fenced then return redis.error_reply(fenced) end
local n = tonumber(ARGV[1])
if n < 1 then return {} end
if not isList(KEYS[2]) then return redis.error_reply(KEYS[2] .. ' is not a list') end
local maxBytes = tonumber(ARGV[2])
local wake = ARGV[8]
local out = {}
local function takeFrom(source)
  local vals = redis.call('LRANGE', source, 0, n - 1)
  if #vals == 0 then return end
  redis.call('LTRIM', source, #vals, -1)
  for _, v in ipairs(vals) do
    if v ~= wake then n = n - 1 end
    if #v > maxBytes then
      redis.call('LPUSH', KEYS[3], cjson.encode({source = source,
        reason = 'message of ' .. #v .. ' bytes; the limit is ' .. maxBytes,
        raw = string.sub(v, 1, tonumber(ARGV[5])), atMs = tonumber(ARGV[4])}))
      redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[3]) - 1)
    elseif v ~= wake then
      out[#out + 1] = v
    end
  end
end
takeFrom(KEYS[1])
for i = 6, #KEYS do
  if n < 1 then break end
  takeFrom(KEYS[i])
end
for i = 1, #out, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(out, i, math.min(#out, i + 999)))
end
return out
