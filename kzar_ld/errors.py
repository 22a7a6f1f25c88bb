"""One exception hierarchy for everything kzar_ld reports.

Every error carries a one-line message that names the input and the place
(file, line, column, or focus node) and, where it helps, what to do next.
Each class knows the CLI exit code it maps to, so the command-line layer
translates errors in one place.

    KzarError                     base; never raised directly
    ├── InputError (exit 2)       the input is wrong: fix the file or the argument
    │   ├── ArticleError          an article text cannot be read or parsed
    │   ├── AnnotationError       an annotation file is malformed or inconsistent
    │   │   └── AnnotationErrors  several of those, found in one pass (``.errors``)
    │   ├── IriError              a value cannot become a valid IRI
    │   ├── RdfSyntaxError        an RDF file does not parse
    │   ├── UnsafeInputError      an input was refused to keep the machine safe
    │   ├── QueryError            a SPARQL query is malformed or refused
    │   └── OutputError           the output cannot be written where asked
    ├── NotConformingError (exit 1)  SHACL validation found violations
    └── RemoteError (exit 3)      a remote endpoint failed (URL and status known)

Example:
    >>> err = AnnotationError("unknown id 'x'", source="a.yaml", line=3)
    >>> str(err)
    "a.yaml:3: unknown id 'x'"
    >>> err.exit_code
    2
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AnnotationError",
    "AnnotationErrors",
    "ArticleError",
    "InputError",
    "IriError",
    "KzarError",
    "NotConformingError",
    "OutputError",
    "QueryError",
    "RdfSyntaxError",
    "RemoteError",
    "UnsafeInputError",
]


class KzarError(Exception):
    """Base of every kzar_ld error: a message plus where it happened."""

    exit_code: int = 2

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = " ".join(message.split()) if "\n" in message else message
        self.source = source
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = str(self.source)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.message}"


class InputError(KzarError):
    """The input (a file, an option, a query) is wrong; exit code 2."""

    exit_code = 2


class ArticleError(InputError):
    """An article text is missing, empty, binary, not UTF-8 or too large."""


class AnnotationError(InputError):
    """An annotation file is malformed: syntax, unknown or duplicate id, bad quote, bad value."""


class AnnotationErrors(AnnotationError):
    """Several problems of one annotation, found in one pass, each with its file and line.

    ``errors`` holds them in file order (at most the limit the loader was given); ``total`` is
    how many were found. The message is one line per error, so each names its place.

    >>> errs = AnnotationErrors(
    ...     [AnnotationError("a", source="x.yaml", line=2), AnnotationError("b", source="x.yaml", line=5)]
    ... )
    >>> print(errs)
    x.yaml:2: a
    x.yaml:5: b
    >>> errs.line, len(errs.errors)
    (2, 2)
    """

    def __init__(self, errors: Sequence[AnnotationError], *, total: int | None = None) -> None:
        if not errors:
            raise ValueError("AnnotationErrors needs at least one error")
        self.errors = tuple(errors)
        self.total = max(total or 0, len(self.errors))
        first = self.errors[0]
        super().__init__(first.message, source=first.source, line=first.line, column=first.column)

    def __str__(self) -> str:
        lines = [str(e) for e in self.errors]
        if self.total > len(self.errors):
            where = f"{self.errors[0].source}: " if self.errors[0].source else ""
            lines.append(f"{where}{self.total - len(self.errors)} more error(s) not shown (limit {len(self.errors)})")
        return "\n".join(lines)


class IriError(InputError):
    """A name, slug or base cannot be turned into a valid absolute IRI."""


class RdfSyntaxError(InputError):
    """An RDF document does not parse; line and column are given when known."""


class UnsafeInputError(InputError):
    """An input was refused before reading because processing it would be unsafe.

    Examples: a remote or local JSON-LD ``@context``, an XML DOCTYPE, an input over the size cap,
    a SPARQL ``SERVICE`` or ``LOAD`` that the user did not allow.
    """


class QueryError(InputError):
    """A SPARQL query is malformed, refused, or timed out."""


class OutputError(InputError):
    """The output path cannot be written (missing or read-only directory, or it is an input)."""


class NotConformingError(KzarError):
    """SHACL validation found at least one violation; exit code 1."""

    exit_code = 1


class RemoteError(KzarError):
    """A remote SPARQL endpoint or store failed; exit code 3.

    ``url`` and ``status`` (None when no HTTP answer came back) are kept for callers.
    """

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int | None = None,
        source: str | None = None,
    ) -> None:
        self.url = url
        self.status = status
        super().__init__(message, source=source)
