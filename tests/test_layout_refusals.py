"""The refusals of cleanse.layout: an occupied DEST, a report path that is a file, a report folder
holding another run's report; a DEST holding only this run's just-locked report folder is free."""

from __future__ import annotations

import pytest

from cleanse.errors import InputError
from cleanse.layout import (
    check_output,
    plan_layout,
    refuse_occupied,
    refuse_other_report,
    refuse_report_file,
)
from cleanse.runlock import LOCK_FILE


@pytest.fixture
def folders(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("some text\n", encoding="utf-8")
    return src, tmp_path / "out"


def test_dest_holding_only_its_own_locked_report_folder_is_free(folders):
    src, dest = folders
    layout = plan_layout(str(src), str(dest), None)
    assert layout.report is not None
    layout.report.mkdir(parents=True)
    (layout.report / LOCK_FILE).write_text("{}", encoding="utf-8")
    check_output(layout, overwrite=False)
    refuse_occupied(layout)


@pytest.mark.parametrize("extra", ["other.txt", ".cleanse/summary.json", ".cleanse/notes.txt"])
def test_dest_holding_anything_else_is_refused(folders, extra):
    src, dest = folders
    layout = plan_layout(str(src), str(dest), None)
    assert layout.report is not None
    layout.report.mkdir(parents=True)
    (layout.report / LOCK_FILE).write_text("{}", encoding="utf-8")
    (dest / extra).write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is not empty; pass --overwrite"):
        check_output(layout, overwrite=False)
    check_output(layout, overwrite=True)


def test_a_report_folder_elsewhere_does_not_make_dest_free(folders, tmp_path):
    src, dest = folders
    layout = plan_layout(str(src), str(dest), str(tmp_path / "reports"))
    (dest / ".cleanse").mkdir(parents=True)
    (dest / ".cleanse" / LOCK_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="is not empty"):
        check_output(layout, overwrite=False)


def test_report_path_that_is_a_file_is_refused_by_both_refusals(folders, tmp_path):
    src, dest = folders
    (tmp_path / "r").write_text("x", encoding="utf-8")
    layout = plan_layout(str(src), str(dest), str(tmp_path / "r"))
    for refuse in (refuse_report_file, refuse_other_report):
        with pytest.raises(InputError, match="is a file"):
            refuse(layout)


def test_report_folder_holding_a_report_is_refused_only_as_another_runs(folders, tmp_path):
    src, dest = folders
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "summary.json").write_text("{}", encoding="utf-8")
    layout = plan_layout(str(src), str(dest), str(reports))
    refuse_report_file(layout)  # a folder: whatever it holds, a report can be written there
    with pytest.raises(InputError, match=r"holds another run's report \(summary.json\)"):
        refuse_other_report(layout)
