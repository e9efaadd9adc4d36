-- wrk script: registers cases (POST /api/v1/cases) as the logged-in user.
-- ZW_COOKIE, ZW_CSRF and ZW_AREA come from the environment (bench/run.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("ZW_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("ZW_CSRF")
wrk.body = '{"type":"dispute","title":"压测登记","content":"基准测试","areaId":' ..
    os.getenv("ZW_AREA") .. ',"channel":"visit"}'
local errors = 0
response = function(status, headers, body)
    if status ~= 201 then errors = errors + 1 end
end
done = function(summary, latency, requests)
    io.write(string.format("create_errors %d\n", errors))
end
