"""Validation: a submitted workbook in, typed records and findings out; nothing here prints.

``validate_file(path, options)`` returns a :class:`FormResult`. The CLI and the merge both call it.
The package's files are the pipeline, in order (docs/architecture.md walks a form through them):

- ``pipeline.py``   validate_file / validate_workbook: the steps below, in order
- ``errorcells.py`` #REF!, #N/A … cells put back (python-calamine reads them as empty)
- ``header.py``     where the header is (one or two rows, merged cells) and which form it is
- ``metadata.py``   the 填报单位 / 填报人员 / 联系电话 / 填报时间 line above the header
- ``body.py``       which rows below the header are data (not blank, footer or a repeated header)
- ``convert.py``    one converter per column type: a cell's value and its problems
- ``columns.py``    whole columns converted, each distinct value once
- ``table.py``      the data rows column by column: what rules read, what records are built from
- ``rules/``        row and form rules, grouped as the catalogue groups them
- ``context.py``    the file being checked: options, metadata, findings
- ``options.py``, ``results.py``  what goes in, what comes out
"""

from __future__ import annotations

from .errorcells import ERROR_VALUES, is_error_value, restore_error_cells
from .header import locate_header
from .metadata import parse_metadata
from .options import Options
from .pipeline import validate_file, validate_workbook
from .results import FormResult, Metadata, Record, SheetResult
from .rules.survey import HELD_DONE_WORDS

__all__ = [
    "ERROR_VALUES", "HELD_DONE_WORDS", "FormResult", "Metadata", "Options", "Record", "SheetResult",
    "is_error_value", "locate_header", "parse_metadata", "restore_error_cells", "validate_file",
    "validate_workbook",
]
