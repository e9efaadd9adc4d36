-- wrk script: GET /api/v1/households/{id} (the one-household page) for random ids in 1..ZW_HOUSEHOLDS.
wrk.headers["Cookie"] = os.getenv("ZW_COOKIE")
local n = tonumber(os.getenv("ZW_HOUSEHOLDS"))
request = function()
    return wrk.format(nil, "/api/v1/households/" .. math.random(1, n))
end
