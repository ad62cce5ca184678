-- wrk script: each request posts a realistic visit (one enterprise questionnaire, three worker
-- questionnaires, two problems) with its own Idempotency-Key, ad hoc to one of the enterprises
-- listed in VISIT_ENTERPRISES (a file of credit codes the cadre may visit).
local counter = 0
local thread_id = 0
local codes = {}
local template = nil
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("VISIT_ENTERPRISES")) do table.insert(codes, line) end
  local f = io.open(os.getenv("VISIT_TEMPLATE"), "r")
  template = f:read("*a")
  f:close()
  thread_id = tonumber(wrk.thread:get("thread_id"))
end

function request()
  counter = counter + 1
  local code = codes[(counter * 7 + thread_id) % #codes + 1]
  local body = string.gsub(template, "ENTERPRISE_CODE", code)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("VISIT_TOKEN"),
    ["Idempotency-Key"] = string.format("wrk-%d-%d-%d", os.time(), thread_id, counter),
  }
  return wrk.format("POST", "/api/v1/visits", headers, body)
end
