import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404

from civicgrid.lib import exports


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def age(name: str, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(default_storage.path(name), (then, then))


def test_a_new_export_clears_away_those_older_than_a_day_and_keeps_the_rest(media):
    stale = exports.save(ContentFile(b"old"), ".xlsx")
    recent = exports.save(ContentFile(b"new"), ".zip")
    age(stale, 25)
    age(recent, 23)
    latest = exports.save(ContentFile(b"latest"), ".xlsx")
    assert not default_storage.exists(stale)
    assert default_storage.exists(recent) and default_storage.exists(latest)
    assert latest.startswith("exports/") and latest.endswith(".xlsx")


def test_a_cleared_export_is_404_and_a_kept_one_downloads_under_its_name(media):
    kept = exports.save(ContentFile(b"rows"), ".xlsx")
    response = exports.download(kept, "问题清单.xlsx")
    assert b"".join(response.streaming_content) == b"rows"
    assert "attachment" in response["Content-Disposition"]
    response.file_to_stream.close()  # (response.close() would signal a request end)
    default_storage.delete(kept)
    with pytest.raises(Http404):
        exports.download(kept, "问题清单.xlsx")


def test_clearing_an_empty_media_folder_does_nothing(media):
    assert exports.clear_old() == 0
