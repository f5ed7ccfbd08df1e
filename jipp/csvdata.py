"""Reading reference CSV files with errors that name the file and line."""

import csv
from pathlib import Path


class ReferenceDataError(Exception):
    """A reference file is missing, malformed or inconsistent."""


def read_csv(path: Path, expected_header: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a UTF-8 CSV as (line number, row) pairs, after checking the header exactly."""
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != expected_header:
            raise ReferenceDataError(
                f"{path.name}:1: header is {header}, expected {expected_header}"
            )
        rows = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(expected_header):
                raise ReferenceDataError(
                    f"{path.name}:{line}: {len(row)} fields, expected {len(expected_header)}"
                )
            values = {key: value.strip() for key, value in zip(expected_header, row, strict=True)}
            empty = [key for key, value in values.items() if not value and key != "description"]
            if empty:
                raise ReferenceDataError(f"{path.name}:{line}: empty value for {', '.join(empty)}")
            rows.append((line, values))
    return rows
