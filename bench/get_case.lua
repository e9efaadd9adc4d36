-- wrk script: GET /api/v1/cases/{id} for random ids in 1..ZW_CASES.
wrk.headers["Cookie"] = os.getenv("ZW_COOKIE")
local n = tonumber(os.getenv("ZW_CASES"))
request = function()
    return wrk.format(nil, "/api/v1/cases/" .. math.random(1, n))
end
