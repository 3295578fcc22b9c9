"""The shared cache, and fixed-window counters in it for rate limits.

settings.CACHES: Django's DatabaseCache on the project's database by default (its table is
created by `migrate`, see portal/apps.py), Django's RedisCache when REDIS_URL is set. Either
way every server process counts in the same place, so two processes do not double a limit.

DatabaseCache's own incr() reads the value and then writes it back: two processes could both
read 4 and both write 5. `DatabaseCache` here does the read and the write in one transaction
that holds the row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the project's IMMEDIATE
transactions already let one writer in at a time). RedisCache's incr is Redis's INCR.
"""

from __future__ import annotations

import base64
import logging
import pickle

from django.core.cache import BaseCache
from django.core.cache import cache as default_cache
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now

logger = logging.getLogger(__name__)

# A counter outlives its window by this much, so it never expires while its window is current.
GRACE_SECONDS = 5


class DatabaseCache(DjangoDatabaseCache):
    """Django's DatabaseCache with an atomic incr()."""

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table} "
                f"WHERE {quote('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None or _expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode(), validate=True)) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",
                [encoded, key],
            )
        return value


def _expired(connection, expires) -> bool:
    expression = models.Expression(output_field=models.DateTimeField())
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
        connection
    )
    for converter in converters:
        expires = converter(expires, expression, connection)
    return expires < tz_now()


def hit(key: str, window_seconds: int, *, cache: BaseCache | None = None) -> int:
    """Count one use of `key` (which names its window) and return the uses so far.

    add() creates the counter at 0 only if it is missing (atomic in both backends), incr()
    then counts. If the counter expired or was culled between the two, it is added again.
    When the cache cannot be reached the use is let through (0) and logged: a broken cache
    should not take the resident site down with it.
    """
    cache = cache or default_cache
    timeout = window_seconds + GRACE_SECONDS
    try:
        for _attempt in range(3):
            cache.add(key, 0, timeout)
            try:
                return cache.incr(key)
            except ValueError:  # gone between add and incr: add it again
                continue
        logger.warning("Rate-limit counter %s kept disappearing; not counted", key)
    except Exception:
        logger.exception("Rate-limit counter %s could not be counted", key)
    return 0


def peek(key: str, *, cache: BaseCache | None = None) -> int:
    """The uses counted so far for `key`, counting none."""
    cache = cache or default_cache
    try:
        return int(cache.get(key) or 0)
    except Exception:
        logger.exception("Rate-limit counter %s could not be read", key)
        return 0
