"""A queue in Redis shared by many processes (replicas): `QUEUE_URL=redis://host:port/db`.

Why plain hashes and sorted sets with leases, not Streams with consumer groups nor a job
library (arq, saq): the queue must keep ONE waiting job per PR that a newer head replaces in
place (one per slot: a command has its own), hand out only jobs whose PR no process is working
on, and refuse an older head. A stream entry cannot be replaced or skipped-and-kept, and the
libraries key jobs by id, not by PR; each operation below is instead one Lua script, atomic
across replicas: a delivery's claim and all its jobs are one script (`_APPLY`), and so is each
move of a job (take, done, requeue, retry, bury), so a process killed between two of them
leaves every job waiting, leased or dead (tests/bot/test_queue_crash.py).

Keys under the prefix: `pending` (hash slot -> job; `Job.slot`), `order` (sorted set slot ->
arrival), `attempts` (hash slot -> times its takers died), `prs` (hash slot -> its PR), `running`
(hash PR -> taker, attempts, slot, job), `leases` (sorted set PR -> lease end, ms), `heads:<PR>`
(recent heads, JSON), `delivery:<id>` (claimed, TTL 3 days), `dead` (list of dead letters),
`due` (hash slot -> when a retried job may be handed out, ms); bot/queue/redis_gate.py adds the
installations' pauses and pacing. A
lease is renewed while its job runs; a killed taker's lease ends and the next `get` anywhere puts
the job back in front.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import uuid
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import redis.asyncio as aioredis

from bot.gate import Gate
from bot.logs import get_logger
from bot.queue import (
    DEFAULT_LEASE_SECONDS,
    DELIVERY_TTL_SECONDS,
    MAX_ATTEMPTS,
    QUEUED,
    REPLACED,
    STALE,
    DeadLetter,
    Job,
    QueueClosed,
    dead_reason,
    log_dead_letter,
    replacing,
    settling,
    unsettled,
)
from bot.queue.heads import Heads, is_current, is_older_head, note_head
from bot.queue.redis_gate import RedisGate

_log = get_logger("queue")
POLL_SECONDS = 0.5
HEADS_TTL_SECONDS = 30 * 24 * 3600

# KEYS: delivery pending order attempts seq prs due heads...; ARGV: delivery_ttl heads_ttl
# nslots, then per slot: slot expected final pr_key, then per heads key: expected new.
# One step for a delivery's claim and all its jobs (or for one `put`, with no delivery key):
# what Python planned from the values it read (`_plan`) is written only if every one of
# them is still as read, so a crash leaves either everything or nothing, and a concurrent
# writer makes Python read and plan again ('retry'). A claimed delivery writes nothing ('seen').
_APPLY = """
local n = tonumber(ARGV[3])
if KEYS[1] ~= '' and redis.call('EXISTS', KEYS[1]) == 1 then return {'seen', 0} end
for i = 0, n - 1 do
  local at = 4 + i * 4
  if (redis.call('HGET', KEYS[2], ARGV[at]) or '') ~= ARGV[at + 1] then return {'retry', 0} end
end
local heads_at = 4 + n * 4
for k = 8, #KEYS do
  local at = heads_at + (k - 8) * 2
  if (redis.call('GET', KEYS[k]) or '') ~= ARGV[at] then return {'retry', 0} end
end
if KEYS[1] ~= '' then redis.call('SET', KEYS[1], '1', 'EX', ARGV[1]) end
for k = 8, #KEYS do
  local at = heads_at + (k - 8) * 2
  if ARGV[at + 1] ~= ARGV[at] then redis.call('SET', KEYS[k], ARGV[at + 1], 'EX', ARGV[2]) end
end
for i = 0, n - 1 do
  local at = 4 + i * 4
  local slot, final = ARGV[at], ARGV[at + 2]
  if final ~= '' then
    redis.call('HSET', KEYS[2], slot, final)
    redis.call('HSET', KEYS[6], slot, ARGV[at + 3])
    redis.call('HDEL', KEYS[4], slot)
    redis.call('HDEL', KEYS[7], slot)
    if ARGV[at + 1] == '' then
      redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[5]), slot)
    end
  end
end
return {'ok', redis.call('ZCARD', KEYS[3])}
"""

_PUSH_FRONT = """
local function push_front(pending, order, attempts, prs, slot, pr, data, n)
  local first = redis.call('ZRANGE', order, 0, 0, 'WITHSCORES')
  local seq = 0
  if #first > 0 then seq = tonumber(first[2]) - 1 end
  redis.call('HSET', pending, slot, data)
  redis.call('ZADD', order, seq, slot)
  redis.call('HSET', attempts, slot, n)
  redis.call('HSET', prs, slot, pr)
end
"""

# KEYS: pending order attempts running leases dead prs due; ARGV: owner lease_ms max_attempts
# Pending entries are by slot, running ones by PR. Returns {job or '', depth, dead letter JSON...}.
_TAKE = _PUSH_FRONT + """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local result = {'', 0}
for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now)) do
  redis.call('ZREM', KEYS[5], key)
  local raw = redis.call('HGET', KEYS[4], key)
  redis.call('HDEL', KEYS[4], key)
  local r = raw and cjson.decode(raw)
  -- A newer job in the lost job's slot supersedes it.
  if r and not r.slot then r.slot = key end  -- taken before slots: the PR was the key
  if r and redis.call('HEXISTS', KEYS[1], r.slot) == 0 then
    if r.attempts >= tonumber(ARGV[3]) then
      local dead = cjson.encode({data = r.data, attempts = r.attempts})
      redis.call('RPUSH', KEYS[6], dead)
      table.insert(result, dead)
    else
      push_front(KEYS[1], KEYS[2], KEYS[3], KEYS[7], r.slot, key, r.data, r.attempts)
    end
  end
end
local offset = 0
while result[1] == '' do
  local keys = redis.call('ZRANGE', KEYS[2], offset, offset + 99)
  if #keys == 0 then break end
  for _, slot in ipairs(keys) do
    local pr = redis.call('HGET', KEYS[7], slot) or slot  -- before slots, the PR was the key
    local due = tonumber(redis.call('HGET', KEYS[8], slot) or '0')
    if due <= now and redis.call('HEXISTS', KEYS[4], pr) == 0 then
      local data = redis.call('HGET', KEYS[1], slot)
      local attempts = tonumber(redis.call('HGET', KEYS[3], slot) or '0')
      redis.call('HDEL', KEYS[1], slot)
      redis.call('ZREM', KEYS[2], slot)
      redis.call('HDEL', KEYS[3], slot)
      redis.call('HDEL', KEYS[7], slot)
      redis.call('HDEL', KEYS[8], slot)
      redis.call('HSET', KEYS[4], pr, cjson.encode(
        {owner = ARGV[1], attempts = attempts + 1, slot = slot, data = data}))
      redis.call('ZADD', KEYS[5], now + tonumber(ARGV[2]), pr)
      result[1] = data
      break
    end
  end
  offset = offset + 100
end
result[2] = redis.call('ZCARD', KEYS[2])
return result
"""

# KEYS: running leases; ARGV: pr_key owner. Only our own lease: if it ran out, another
# process may hold the PR now.
_RELEASE = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw and cjson.decode(raw).owner == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 1
end
return 0
"""

# KEYS: running leases pending order attempts heads prs; ARGV: pr_key owner job head slot
_REQUEUE = _PUSH_FRONT + """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local r = cjson.decode(raw)
if r.owner ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HEXISTS', KEYS[3], ARGV[5]) == 1 then return 0 end
local hraw = redis.call('GET', KEYS[6])
if hraw and ARGV[4] ~= '' then
  local heads = cjson.decode(hraw)
  if #heads > 0 and heads[#heads][1] ~= ARGV[4] then return 0 end
end
-- A shutdown is not the job's fault: it does not count as an attempt.
push_front(KEYS[3], KEYS[4], KEYS[5], KEYS[7], ARGV[5], ARGV[1], ARGV[3],
           math.max(0, r.attempts - 1))
return 1
"""

# KEYS: running pending order attempts heads prs due; ARGV: pr_key owner job head slot due_ms
# The PR stays held (running) until `done`; a death of the taker still counts, the failure not.
_LATER = _PUSH_FRONT + """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local r = cjson.decode(raw)
if r.owner ~= ARGV[2] then return 0 end  -- our lease ran out: the job went back already
if redis.call('HEXISTS', KEYS[2], ARGV[5]) == 1 then return 0 end
local hraw = redis.call('GET', KEYS[5])
if hraw and ARGV[4] ~= '' then
  local heads = cjson.decode(hraw)
  if #heads > 0 and heads[#heads][1] ~= ARGV[4] then return 0 end
end
push_front(KEYS[2], KEYS[3], KEYS[4], KEYS[6], ARGV[5], ARGV[1], ARGV[3],
           math.max(0, r.attempts - 1))
redis.call('HSET', KEYS[7], ARGV[5], ARGV[6])
return 1
"""

# KEYS: running leases dead; ARGV: pr_key owner job error. One step from running to the dead
# letters: a crash right after it must not see the lease run out and the job handed out again.
# Returns the attempts counted (1 when our lease ran out and another process holds the PR).
_BURY = """
local attempts = 1
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then
  local r = cjson.decode(raw)
  if r.owner == ARGV[2] then
    attempts = r.attempts
    redis.call('HDEL', KEYS[1], ARGV[1])
    redis.call('ZREM', KEYS[2], ARGV[1])
  end
end
redis.call('RPUSH', KEYS[3], cjson.encode({data = ARGV[3], attempts = attempts, error = ARGV[4]}))
return attempts
"""

# KEYS: running leases; ARGV: owner lease_ms pr_key...
_RENEW = """
local t = redis.call('TIME')
local until_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2])
for i = 3, #ARGV do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw and cjson.decode(raw).owner == ARGV[1] then
    redis.call('ZADD', KEYS[2], 'XX', until_ms, ARGV[i])
  end
end
return 1
"""


def _dump(job: Job) -> str:
    return json.dumps(job.to_dict(), separators=(",", ":"))


class RedisQueue:
    """Jobs in Redis: shared by replicas, leased to the process that takes them."""

    def __init__(self, url: str, *, prefix: str = "shipshape",
                 lease_seconds: float = DEFAULT_LEASE_SECONDS,
                 poll_seconds: float = POLL_SECONDS, max_attempts: int = MAX_ATTEMPTS) -> None:
        self.redis: aioredis.Redis = aioredis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix
        self.lease_seconds = lease_seconds
        self.poll_seconds = min(poll_seconds, lease_seconds / 3)
        self.max_attempts = max_attempts
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._apply = self.redis.register_script(_APPLY)
        self._bury = self.redis.register_script(_BURY)
        self._take = self.redis.register_script(_TAKE)
        self._release = self.redis.register_script(_RELEASE)
        self._requeue = self.redis.register_script(_REQUEUE)
        self._renew = self.redis.register_script(_RENEW)
        self._later = self.redis.register_script(_LATER)
        self._gate = RedisGate(self.redis, prefix)
        self._held: dict[str, Job] = {}
        # PRs whose job's last transition (retry_later, bury) may not have reached the store:
        # `done` leaves them leased, so the job comes back when the lease ends, never lost.
        self._unsettled: set[str] = set()
        self._wake = asyncio.Event()
        self._closed = False
        self._depth = 0
        self._renewer: asyncio.Task[None] | None = None

    def _key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def _heads_key(self, pr_key: str) -> str:
        return self._key(f"heads:{pr_key}")

    async def put(self, job: Job) -> str:
        """Queue `job`, replacing an older waiting job in the same slot."""
        outcomes = await self._accept("", [job])
        assert outcomes is not None  # only a delivery can have been seen
        return outcomes[0]

    async def _accept(self, delivery_id: str, jobs: Sequence[Job]) -> list[str] | None:
        """Plan the jobs' puts from what Redis holds, then write them (and claim the delivery)
        in one script, planning again whenever another process wrote in between."""
        slots = list(dict.fromkeys(job.slot for job in jobs))
        prs = list(dict.fromkeys(job.pr_key for job in jobs if job.head_sha))
        delivery = self._key(f"delivery:{delivery_id}") if delivery_id else ""
        keys = [delivery, *(self._key(name) for name in
                            ("pending", "order", "attempts", "seq", "prs", "due")),
                *(self._heads_key(pr) for pr in prs)]
        while True:
            # Both reads in one round trip (a pipeline, not a transaction: the script checks).
            waiting: list[str | None] = []
            heads: list[str | None] = []
            if jobs:
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.hmget(self._key("pending"), slots)
                    if prs:
                        pipe.mget([self._heads_key(pr) for pr in prs])
                    waiting, *rest = await pipe.execute()
                heads = rest[0] if rest else []
            plan = _plan(jobs, dict(zip(slots, waiting, strict=True)),
                         dict(zip(prs, heads, strict=True)))
            args: list[str | int] = [DELIVERY_TTL_SECONDS, HEADS_TTL_SECONDS, len(slots)]
            for slot, raw in zip(slots, waiting, strict=True):
                args += [slot, raw or "", plan.final.get(slot, ""), plan.pr_of.get(slot, "")]
            for pr, raw in zip(prs, heads, strict=True):
                args += [raw or "", plan.heads.get(pr, raw or "")]
            status, depth = await self._apply(keys=keys, args=args)
            if status != "retry":
                break
        if status == "seen":
            return None
        self._depth = int(depth)
        if any(outcome != STALE for outcome in plan.outcomes):
            self._wake.set()
        return plan.outcomes

    async def get(self) -> Job:
        """Wait for a job whose PR no process is working on."""
        while True:
            if self._closed:
                raise QueueClosed
            self._wake.clear()
            data, depth, *dead = await self._take(
                keys=[self._key(name) for name in
                      ("pending", "order", "attempts", "running", "leases", "dead", "prs",
                       "due")],
                args=[self.owner, int(self.lease_seconds * 1000), self.max_attempts])
            self._depth = int(depth)
            for entry in dead:
                log_dead_letter(_dead_letter(entry))
            if data:
                job = Job.from_dict(json.loads(data))
                self._held[job.pr_key] = job
                self._ensure_renewer()
                return job
            with contextlib.suppress(TimeoutError):  # a poll: other processes put jobs too
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def done(self, job: Job) -> None:
        """Release the PR so any process may take its next job (unless the job's last
        transition failed: then its lease, no longer renewed, ends and it is taken again)."""
        self._held.pop(job.pr_key, None)
        if unsettled(self._unsettled, job):
            return
        await self._release(keys=[self._key("running"), self._key("leases")],
                            args=[job.pr_key, self.owner])
        self._wake.set()

    async def requeue(self, job: Job) -> None:
        """Put an unfinished job back at the front unless a newer one is waiting."""
        self._held.pop(job.pr_key, None)
        await self._requeue(
            keys=[self._key("running"), self._key("leases"), self._key("pending"),
                  self._key("order"), self._key("attempts"), self._heads_key(job.pr_key),
                  self._key("prs")],
            args=[job.pr_key, self.owner, _dump(job), job.head_sha, job.slot])
        self._wake.set()

    async def retry_later(self, job: Job, not_before: float) -> None:
        """Put a failed job back in its slot, due at `not_before`, unless superseded."""
        async with settling(self._unsettled, job):
            await self._later(
                keys=[self._key("running"), self._key("pending"), self._key("order"),
                      self._key("attempts"), self._heads_key(job.pr_key), self._key("prs"),
                      self._key("due")],
                args=[job.pr_key, self.owner, _dump(job), job.head_sha, job.slot,
                      int(not_before * 1000)])

    def gate(self) -> Gate:
        """Pauses and pacing in Redis, shared by every replica."""
        return self._gate

    async def is_current(self, job: Job) -> bool:
        """True while no newer head has been seen for the PR, by any process."""
        raw = await self.redis.get(self._heads_key(job.pr_key))
        return is_current(json.loads(raw) if raw else [], job)

    async def recent_heads(self, job: Job) -> list[str]:
        """The heads any process has seen for the job's PR, the newest last."""
        raw = await self.redis.get(self._heads_key(job.pr_key))
        return [sha for sha, _ in json.loads(raw)] if raw else []

    async def claim_delivery(self, delivery_id: str) -> bool:
        """True the first time any process sees a delivery id within DELIVERY_TTL_SECONDS."""
        claimed = await self.redis.set(self._key(f"delivery:{delivery_id}"), "1", nx=True,
                                       ex=DELIVERY_TTL_SECONDS)
        return bool(claimed)

    async def release_delivery(self, delivery_id: str) -> None:
        """Forget a delivery id."""
        await self.redis.delete(self._key(f"delivery:{delivery_id}"))

    async def delivery_claimed(self, delivery_id: str) -> bool:
        """True while any process's claim of the delivery id lasts."""
        return bool(await self.redis.exists(self._key(f"delivery:{delivery_id}")))

    async def accept(self, delivery_id: str, jobs: Sequence[Job]) -> list[str] | None:
        """Claim the delivery and queue its jobs in one script (None: seen before)."""
        return await self._accept(delivery_id, jobs)

    def depth(self) -> int:
        """Jobs waiting, as of this process's last queue operation."""
        return self._depth

    async def pending_jobs(self) -> list[Job]:
        """The waiting jobs in the order they will run (for shutdown logs and tests)."""
        # redis-py types its commands for sync and async clients at once: say which.
        keys = await cast(Awaitable[list[str]], self.redis.zrange(self._key("order"), 0, -1))
        if not keys:
            return []
        datas = await cast(Awaitable[list[str | None]],
                           self.redis.hmget(self._key("pending"), keys))
        return [Job.from_dict(json.loads(d)) for d in datas if d]

    async def bury(self, job: Job, error: str) -> None:
        """Move a failed job from running to the dead letters, with its error, in one step."""
        self._held.pop(job.pr_key, None)
        async with settling(self._unsettled, job):
            attempts = await self._bury(
                keys=[self._key("running"), self._key("leases"), self._key("dead")],
                args=[job.pr_key, self.owner, _dump(job), error])
        log_dead_letter(DeadLetter(job, error, int(attempts)))
        self._wake.set()

    async def dead_letters(self) -> list[DeadLetter]:
        """Jobs given up on, oldest first."""
        entries = await cast(Awaitable[list[str]], self.redis.lrange(self._key("dead"), 0, -1))
        return [_dead_letter(entry) for entry in entries]

    async def dead_letter_count(self) -> int:
        """How many dead letters are kept (one LLEN, whatever their number)."""
        return int(await cast(Awaitable[int], self.redis.llen(self._key("dead"))))

    def _ensure_renewer(self) -> None:
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.create_task(self._renew_leases(),
                                                name="shipshape-redis-leases")

    async def _renew_leases(self) -> None:
        while self._held:
            await asyncio.sleep(self.lease_seconds / 3)
            if not self._held:
                return
            try:
                await self._renew(keys=[self._key("running"), self._key("leases")],
                                  args=[self.owner, int(self.lease_seconds * 1000),
                                        *self._held])
            except Exception:  # Redis away for a moment: try again; the lease has slack
                _log.exception("could not renew the queue's leases")

    async def close(self) -> None:
        """Stop handing out jobs; running jobs still `done` or `requeue` afterwards."""
        self._closed = True
        self._wake.set()

    async def shutdown(self) -> None:
        """Close the connections once the workers have stopped."""
        self._closed = True
        if self._renewer is not None:
            self._renewer.cancel()
        await self.redis.aclose()


@dataclass
class _Plan:
    """What a batch of puts writes: each job's outcome, each slot's final job, new heads."""

    outcomes: list[str] = field(default_factory=list)
    final: dict[str, str] = field(default_factory=dict)
    pr_of: dict[str, str] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)


def _plan(jobs: Sequence[Job], waiting: dict[str, str | None],
          heads: dict[str, str | None]) -> _Plan:
    """The puts of `jobs` in order, on top of the waiting jobs and heads read from Redis
    (the rules of bot/queue/heads.py, which the memory and SQLite queues share)."""
    plan = _Plan()
    slots: dict[str, str | None] = dict(waiting)
    known: dict[str, Heads] = {pr: json.loads(raw) if raw else [] for pr, raw in heads.items()}
    for job in jobs:
        pr_heads = known.get(job.pr_key, [])
        if is_older_head(pr_heads, job):
            plan.outcomes.append(STALE)
            continue
        if job.head_sha:
            known[job.pr_key] = note_head(pr_heads, job)
            plan.heads[job.pr_key] = json.dumps(known[job.pr_key], separators=(",", ":"))
        before = slots.get(job.slot)
        stored = replacing(job, Job.from_json(before)) if before else job
        slots[job.slot] = plan.final[job.slot] = _dump(stored)
        plan.pr_of[job.slot] = job.pr_key
        plan.outcomes.append(REPLACED if before else QUEUED)
    return plan


def _dead_letter(entry: str) -> DeadLetter:
    data: dict[str, Any] = json.loads(entry)
    attempts = int(data["attempts"])
    return DeadLetter(Job.from_dict(json.loads(data["data"])),
                      data.get("error") or dead_reason(attempts), attempts)
