-- A pool of distinct tokens per wrk thread, sent in turn, so each token comes back many times and, behind a
-- round-robin balancer, lands on every instance of the fleet. POOL tokens per thread; RUN keeps runs apart.
local cert = os.getenv("CERT_HEADER")
local pool = tonumber(os.getenv("POOL") or "1000")
local run = os.getenv("RUN") or "run"
local thread = tostring({}):sub(8)
local counter = 0
request = function()
  counter = counter + 1
  local token = "pool" .. run .. "t" .. thread .. "x" .. (counter % pool)
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. token, ["X-OE-CLIENT-CERT"] = cert })
end
