"""A Redis cache that the site outlives: with Redis unreachable, every page is served without the cache.

Django's ``RedisCache`` raises when it cannot reach Redis, so every page that
touches the cache (the public page cache, allauth's rate limits, the footer)
would fail. This backend answers as an empty cache that forgets what it is
given instead: reads miss, writes are dropped, ``add`` succeeds. After a
failure it does not try Redis again for ``RETRY_AFTER`` seconds (an
``OPTIONS`` key), so a Redis that hangs costs one request one socket timeout
rather than every cache call of every request, and the log gets one warning
per pause rather than one per call.

What is lost meanwhile is only what the cache is for: pages are rendered
afresh, and a content change that could not replace the page-cache version
(portal/cache.py) leaves pages stored before the outage for at most
``PUBLIC_PAGE_CACHE_SECONDS``. Rate limits fail open: sign-ins stay limited by
django-axes, which counts failures in the database.
"""

import logging
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)
_DOWN = object()


class KeptClient(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` for every cache call, and each builds its table of reply
    callbacks (a tenth of a millisecond): one per connection pool is kept instead (it is safe across threads)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_kept_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = KeptClient
        self._paused_until = 0.0

    def _call(self, fallback, method, *args):
        if time.monotonic() < self._paused_until:
            return fallback
        try:
            return method(*args)
        except UNREACHABLE as exc:
            self._paused_until = time.monotonic() + self.retry_after
            logger.warning("Cache unreachable, pages served without it for %g s: %s", self.retry_after, exc)
            return fallback

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True, as an empty cache answers. allauth takes a lock with add() before counting a rate-limited
        # action and refuses the request when it cannot: False would refuse every sign-in.
        return self._call(True, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call([], super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._call(None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        value = self._call(_DOWN, super().incr, key, delta, version)
        if value is _DOWN:
            raise ValueError(f"Key '{key}' not found.")  # as from an empty cache; decr() calls incr()
        return value

    def clear(self):
        return self._call(False, super().clear)
