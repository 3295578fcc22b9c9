import pytest
from django.core.cache import cache

from tests.portal.fixtures import build_portal_data


@pytest.fixture
def portal(partnership):
    return build_portal_data(partnership)


@pytest.fixture(autouse=True)
def _fresh_cache_and_media(settings, tmp_path):
    """Rate-limit counters start at zero; uploads go to a temporary folder."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LEAFLET_TILE_URL = ""
    yield
    cache.clear()
