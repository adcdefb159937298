-- JWT access tokens minted in advance (the file JWT_POOL, one per line), each wrk thread sending its own slice of
-- the pool in turn. The provider runs with a 200 ms CacheDuration, so a token coming back (after a whole slice,
-- seconds later) is validated again: every request is a signature check.
local cert = os.getenv("CERT_HEADER")
local threads = 0
setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local tokens = {}
init = function(args)
  local index = 0
  for line in io.lines(os.getenv("JWT_POOL")) do
    -- wrk runs 2 threads (-t2): even lines for one, odd for the other.
    if index % 2 == id then
      tokens[#tokens + 1] = line
    end
    index = index + 1
  end
end

local counter = 0
request = function()
  counter = counter % #tokens + 1
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. tokens[counter], ["X-OE-CLIENT-CERT"] = cert })
end
