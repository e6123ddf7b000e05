"""Write an Assessment in the requested formats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from monitor.assess.data import Assessment
from monitor.assess.docx import write_docx
from monitor.assess.markdown import write_markdown
from monitor.assess.xlsx import write_xlsx

FORMATS = ("xlsx", "docx", "md")
WRITERS: dict[str, Callable[[Assessment, Path], Path]] = {"xlsx": write_xlsx, "docx": write_docx, "md": write_markdown}


def file_stem(assessment: Assessment) -> str:
    """govmon_2022H2_assessment: ASCII, beside the quarterly report's govmon_2022Q4 files."""
    return f"govmon_{assessment.half.label}_assessment"


def write_assessment(assessment: Assessment, directory: Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    return [WRITERS[name](assessment, directory / f"{file_stem(assessment)}.{name}") for name in formats]
