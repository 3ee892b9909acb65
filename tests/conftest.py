"""Shared by every test tier; keep it light (no broker, no models loaded here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests check correctness, not speed: on a loaded 2-core CI machine input generation can be
# slow, which Hypothesis would report as a failure (HealthCheck.too_slow), and per-example deadlines
# would flake. Speed is measured by `make bench`, never asserted in tests.
settings.register_profile("suhu", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suhu")

REPO_ROOT = Path(__file__).resolve().parents[1]
# The labelled dataset is CC BY-NC-SA: it is read in place, never copied into the repo.
SHARED_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
SHARED_DATASET = SHARED_DATA_DIR / "id_hate_abusive_train.csv"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/integration is integration, marked or not, so `-m "not integration"` stays fast."""
    integration_dir = Path(__file__).resolve().parent / "integration"
    for item in items:
        if integration_dir in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def shared_dataset() -> Path:
    """Path of the shared labelled CSV; skips (with the reason) where it is not mounted."""
    if not SHARED_DATASET.is_file():
        pytest.skip(f"shared dataset not found at {SHARED_DATASET} (it is never copied into the repo)")
    return SHARED_DATASET
