-- soak.lua: wrk counts every response by status, over all its threads.
-- Used by bench/soak.sh: `wrk -s bench/soak.lua ...` prints, after wrk's
-- own report, one line per status seen:
--   status 200 123456
-- (wrk's "Non-2xx or 3xx responses" would let a 3xx pass; this does not.)
-- A response() function makes wrk read every response in Lua: a little
-- slower, which a soak does not mind.

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	codes = {}	-- a global of this thread's Lua state: done() reads it
end

function response(status, headers, body)
	codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
	local total = {}
	for _, t in ipairs(threads) do
		for k, v in pairs(t:get("codes")) do
			total[k] = (total[k] or 0) + v
		end
	end
	for k, v in pairs(total) do
		io.write(string.format("status %d %d\n", k, v))
	end
end
