"""Shared pytest set-up: the smoke profile, quiet TensorFlow, outputs in a temp dir."""

import os

os.environ.setdefault("LSTMGAN_PROFILE", "smoke")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _outputs_in_tmp(tmp_path, monkeypatch):
    """Sends anything a test writes under ``outputs/`` to its own temp folder."""
    monkeypatch.setenv("LSTMGAN_OUTPUTS", str(tmp_path / "outputs"))
    yield
