from tests.desk.conftest import raise_pothole, resident  # noqa: F401 - shared fixtures
