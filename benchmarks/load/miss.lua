-- A new token for every request: each one is a cache miss and an introspection call.
local cert = os.getenv("CERT_HEADER")
local thread = tostring({}):sub(8)
local counter = 0
request = function()
  counter = counter + 1
  local token = "load" .. thread .. "x" .. counter
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. token, ["X-OE-CLIENT-CERT"] = cert })
end
