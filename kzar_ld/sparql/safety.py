"""Parse a SPARQL query and decide whether it may run, before anything is evaluated.

rdflib's SPARQL engine calls any ``SERVICE`` endpoint it meets (without a timeout), and on a
dataset it reads ``FROM``/``FROM NAMED`` IRIs from local files or the web; ``SERVICE SILENT``
swallows the failure and returns no rows. A query is data from the user, so it is checked here
first, on the parsed algebra rather than on the text (spelling, case, spacing and nesting in
``OPTIONAL``, ``FILTER EXISTS``, ``MINUS`` or subqueries change nothing):

* ``SERVICE`` anywhere is refused unless the caller allows it;
* an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``, ``CREATE``, ``ADD``,
  ``MOVE``, ``COPY``) is refused: querying only reads;
* ``FROM``/``FROM NAMED`` must name graphs among the inputs (:func:`check_dataset`), unless the
  caller allows loading;
* a query that is too long or too deeply nested for the recursive parser is refused before
  parsing, with the line and column where the nesting went too deep, and any recursion limit
  hit later is reported the same way, never as a traceback;
* a syntax error names the line and column where the parser stopped.

Every refusal is a :class:`~kzar_ld.errors.QueryError` (exit code 2); nothing is evaluated and
no empty result is returned in its place.

Example:
    >>> parsed = parse_query("SELECT ?name WHERE { ?p schema:name ?name }")
    >>> parsed.kind, parsed.variables
    (<QueryKind.SELECT: 'SELECT'>, ('name',))
    >>> parse_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kzar_ld.errors.QueryError: query:1:18: SERVICE <http://127.0.0.1:9/sparql> is refused: ...
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Variable

from kzar_ld.errors import QueryError
from kzar_ld.namespaces import PREFIXES

__all__ = [
    "MAX_NESTING",
    "MAX_QUERY_CHARS",
    "ParsedQuery",
    "QueryKind",
    "algebra_nodes",
    "check_dataset",
    "field_of",
    "parse_query",
]

#: Longest query text accepted, in characters.
MAX_QUERY_CHARS = 1_000_000

#: Deepest nesting of brackets (``(``, ``{``, ``[``) accepted. rdflib's parser recurses a few
#: dozen Python frames per level, so a few dozen levels already reach Python's recursion limit.
MAX_NESTING = 32


class QueryKind(enum.StrEnum):
    """The four SPARQL query forms."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE return triples; SELECT rows; ASK a boolean."""
        return self in (QueryKind.CONSTRUCT, QueryKind.DESCRIBE)


_ALGEBRA_KINDS = {
    "SelectQuery": QueryKind.SELECT,
    "AskQuery": QueryKind.ASK,
    "ConstructQuery": QueryKind.CONSTRUCT,
    "DescribeQuery": QueryKind.DESCRIBE,
}

_UPDATE_NAMES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}

_UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


@dataclass(frozen=True)
class ParsedQuery:
    """A query that parsed and passed the checks that do not depend on the data.

    ``variables`` are the result columns in order (SELECT only; for ``SELECT *`` in the order
    the variables first appear in the text); ``mentioned`` every variable written in the query;
    ``from_graphs``/``from_named`` the IRIs of its ``FROM``/``FROM NAMED`` clauses; ``services``
    the endpoints of any ``SERVICE`` the caller allowed; ``ordered`` whether the outermost query
    has ``ORDER BY`` (otherwise rows are sorted for deterministic output); ``trailing_values``
    whether it ends in a ``VALUES`` clause.
    """

    text: str
    source: str
    kind: QueryKind
    variables: tuple[str, ...]
    mentioned: frozenset[str]
    from_graphs: tuple[str, ...]
    from_named: tuple[str, ...]
    services: tuple[str, ...]
    ordered: bool
    trailing_values: bool
    prepared: Query = field(repr=False, compare=False)

    @property
    def bindable(self) -> frozenset[str]:
        """Variables a caller may bind: the SELECT columns, or every variable of other forms.

        Binding follows SPARQL's substitution proposal (SEP-0007), which both engines implement
        the same way only for variables the query returns.
        """
        if self.kind is QueryKind.SELECT:
            return frozenset(self.variables)
        return self.mentioned

    @property
    def has_dataset_clause(self) -> bool:
        """Whether the query names its own dataset with ``FROM`` or ``FROM NAMED``."""
        return bool(self.from_graphs or self.from_named)


# ---------------------------------------------------------------------------------------------
# A small lexer: enough of SPARQL's tokens to find brackets and variables outside strings,
# IRIs and comments, without recursion.

_LEX = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$))
    | (?P<string>'(?:[^'\\\n]|\\.)*'?|"(?:[^"\\\n]|\\.)*"?)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\U000effff]+)
    | (?P<name>[A-Za-z_\u00c0-\U000effff][\w\-.:\u00b7\u00c0-\U000effff]*)
    | (?P<open>[({\[])
    | (?P<close>[)}\]])
    | (?P<other>\s+|.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class _Scan:
    variables: tuple[str, ...]
    first_keyword: str | None
    services: tuple[tuple[int, str], ...]  # (offset of the keyword, the endpoint as written)


def _tokens(text: str) -> Iterator[re.Match[str]]:
    return _LEX.finditer(text)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _scan(text: str, source: str) -> _Scan:
    """Refuse over-deep nesting; collect the variables, the first keyword and each SERVICE."""
    depth = 0
    variables: dict[str, None] = {}
    first_keyword: str | None = None
    in_declaration = False  # inside PREFIX/BASE, up to its IRI
    services: list[tuple[int, str]] = []
    service_at: int | None = None  # offset of a SERVICE keyword whose endpoint comes next
    for match in _tokens(text):
        kind = match.lastgroup
        if kind in ("comment", "other"):
            continue
        if service_at is not None:
            if kind == "name" and match.group().upper() == "SILENT":
                continue
            services.append((service_at, match.group()))
            service_at = None
        if kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                line, column = _line_col(text, match.start())
                raise QueryError(
                    f"the query nests brackets more than {MAX_NESTING} deep here; "
                    "simplify it (split it, or use VALUES or property paths)",
                    source=source,
                    line=line,
                    column=column,
                )
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "var":
            variables.setdefault(match.group()[1:], None)
        elif kind == "iri":
            in_declaration = False
        elif kind == "name":
            word = match.group().upper()
            if word == "SERVICE":
                service_at = match.start()
            if first_keyword is None and not in_declaration:
                if word in ("PREFIX", "BASE"):
                    in_declaration = True
                else:
                    first_keyword = word
    return _Scan(variables=tuple(variables), first_keyword=first_keyword, services=tuple(services))


# ---------------------------------------------------------------------------------------------
# Walking the algebra (iteratively: the algebra of a long query is deep)


def field_of(node: Any, key: str) -> Any:
    """``node[key]``, or None if ``node`` (an rdflib algebra node) has no such field.

    rdflib's ``CompValue.get`` returns the key itself when it is missing, so it cannot be used.

    >>> field_of(parse_query("ASK {}").prepared.algebra, "datasetClause") is None
    True
    """
    if isinstance(node, dict) and key in node:
        return node[key]
    return None


def algebra_nodes(root: Any) -> Iterator[CompValue]:
    """Every algebra node under ``root``, expressions and subqueries included (no recursion).

    >>> text = "ASK { FILTER EXISTS { SERVICE <http://127.0.0.1:9/> {} } }"
    >>> q = parse_query(text, allow_service=True)
    >>> "ServiceGraphPattern" in {n.name for n in algebra_nodes(q.prepared.algebra)}
    True
    """
    stack: list[Any] = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple | set | frozenset):
            stack.extend(node)


def _service_target(node: CompValue) -> str:
    term = field_of(node, "term")
    if isinstance(term, Variable):
        return f"?{term}"
    return f"<{term}>"


# ---------------------------------------------------------------------------------------------
# Parsing


_GRAMMAR_WORDS = {
    "SelectQuery": "a SELECT query",
    "ConstructQuery": "a CONSTRUCT query",
    "DescribeQuery": "a DESCRIBE query",
    "AskQuery": "an ASK query",
    "end of text": "the end of the query",
}


def _parser_position(text: str, loc: int) -> tuple[int, int]:
    """Line and column in ``text`` of pyparsing's ``loc``.

    pyparsing parses the text with its tabs expanded (to every eighth column), so ``loc`` counts
    characters of that expanded text; map it back to the text as the user wrote it.
    """
    expanded = text.expandtabs()
    loc = min(loc, len(expanded))
    line = expanded.count("\n", 0, loc) + 1
    target = loc - (expanded.rfind("\n", 0, loc) + 1)
    original = text.split("\n")[line - 1] if line <= text.count("\n") + 1 else ""
    width = 0
    for index, ch in enumerate(original):
        if width >= target:
            return line, index + 1
        width = (width // 8 + 1) * 8 if ch == "\t" else width + 1
    return line, len(original) + 1


def _syntax_error(exc: ParseBaseException, text: str, source: str) -> QueryError:
    line, column = _parser_position(text, exc.loc)
    found = str(getattr(exc, "found", "") or "")
    near = f" near {found[:40]}" if found else " at the end of the query"
    expected = str(exc.msg).replace("{", "").replace("}", "")
    for word, plain in _GRAMMAR_WORDS.items():
        expected = expected.replace(word, plain)
    expected = expected.replace("Expected ", "expected ", 1)
    return QueryError(f"SPARQL syntax error{near}: {expected}", source=source, line=line, column=column)


def _refuse_update(source: str, names: list[str]) -> QueryError:
    operations = ", ".join(dict.fromkeys(_UPDATE_NAMES.get(n, n.upper()) for n in names))
    if "LOAD" in operations.split(", "):
        return QueryError(
            f"LOAD is refused ({operations}): querying never loads or fetches a graph that a "
            "query names; give the file with --data instead",
            source=source,
        )
    return QueryError(
        f"this is a SPARQL update ({operations}), and updates are refused: "
        "querying only reads; publish changes with 'kzar-ld publish'",
        source=source,
    )


def _unknown_prefix(text: str, message: str, source: str) -> QueryError:
    prefix = message.rsplit(":", 1)[-1].strip()
    line = column = None
    for match in _tokens(text):
        if match.lastgroup == "name" and match.group().startswith(prefix + ":"):
            line, column = _line_col(text, match.start())
            break
    known = ", ".join(sorted(PREFIXES))
    return QueryError(
        f"unknown prefix {prefix + ':'!r}: declare it with PREFIX {prefix}: <...> (predeclared: {known})",
        source=source,
        line=line,
        column=column,
    )


def _too_complex(source: str) -> QueryError:
    return QueryError(
        "the query is too deeply nested or too long for the SPARQL parser "
        "(Python's recursion limit was reached); simplify it or split it",
        source=source,
    )


def parse_query(
    text: str,
    *,
    source: str = "query",
    allow_service: bool = False,
) -> ParsedQuery:
    """Parse a SPARQL query with rdflib and refuse what must not run.

    The standard prefixes (``schema``, ``foaf``, ``oa``, ``kzar``, ``xsd``, ``rdf``, ``rdfs``,
    ``owl``) are predeclared; a ``PREFIX`` in the query overrides them. ``source`` names the
    query in messages (a file name, or ``query`` for text).

    >>> parse_query("ASK { ?s a schema:Person }").kind
    <QueryKind.ASK: 'ASK'>
    >>> parse_query("DROP ALL")
    Traceback (most recent call last):
    ...
    kzar_ld.errors.QueryError: query: this is a SPARQL update (DROP), and updates are refused: ...
    >>> parse_query("SELECT * WHERE {\\n  ?s ?p \\n}")
    Traceback (most recent call last):
    ...
    kzar_ld.errors.QueryError: query:2:3: SPARQL syntax error near '?': expected a SELECT query
    """
    if not isinstance(text, str):
        raise QueryError(f"a query must be text, not {type(text).__name__}", source=source)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS:,}",
            source=source,
        )
    if not text.strip():
        raise QueryError(
            "the query is empty: give SPARQL text, a .rq file or a bundled query name",
            source=source,
        )
    if "\x00" in text:
        raise QueryError("the query holds a NUL character; is it a binary file?", source=source)
    scan = _scan(text, source)
    try:
        try:
            tree = parseQuery(text)
        except ParseBaseException as exc:
            error = _syntax_error(exc, text, source)
            update = _try_update(text)
            if update is not None:
                raise _refuse_update(source, update) from exc
            if scan.first_keyword in _UPDATE_KEYWORDS:
                raise _refuse_update(source, [scan.first_keyword.title()]) from exc
            raise error from exc
        try:
            prepared = translateQuery(tree, None, dict(PREFIXES))
        except ParseBaseException as exc:
            raise _syntax_error(exc, text, source) from exc
        except RecursionError:
            raise
        except Exception as exc:  # rdflib raises bare Exception for semantic errors
            message = " ".join(str(exc).split())
            if message.startswith("Unknown namespace prefix"):
                raise _unknown_prefix(text, message, source) from exc
            raise QueryError(f"the query is not valid SPARQL: {message}", source=source) from exc
    except RecursionError as exc:
        raise _too_complex(source) from exc

    algebra = prepared.algebra
    kind = _ALGEBRA_KINDS.get(algebra.name)
    if kind is None:  # pragma: no cover - the grammar only has the four forms
        raise QueryError(f"unsupported query form {algebra.name}", source=source)

    found = [_service_target(n) for n in algebra_nodes(algebra) if n.name == "ServiceGraphPattern"]
    if found and not allow_service:
        # The algebra decides; the text gives the place and the endpoint as written.
        line = column = None
        target = found[0]
        if scan.services:
            offset, target = scan.services[0]
            line, column = _line_col(text, offset)
        raise QueryError(
            f"SERVICE {target} is refused: a query may not make network requests unless you allow it (--allow-service)",
            source=source,
            line=line,
            column=column,
        )
    services = sorted(set(found))

    from_graphs: list[str] = []
    from_named: list[str] = []
    for clause in field_of(algebra, "datasetClause") or ():
        if field_of(clause, "default") is not None:
            from_graphs.append(str(field_of(clause, "default")))
        elif field_of(clause, "named") is not None:
            from_named.append(str(field_of(clause, "named")))

    variables: tuple[str, ...] = ()
    if kind is QueryKind.SELECT:
        projected = [str(v) for v in field_of(algebra, "PV") or ()]
        if _is_select_star(tree):
            order = {name: i for i, name in enumerate(scan.variables)}
            projected.sort(key=lambda v: (order.get(v, len(order)), v))
        variables = tuple(projected)

    return ParsedQuery(
        text=text,
        source=source,
        kind=kind,
        variables=variables,
        mentioned=frozenset(scan.variables) | frozenset(variables),
        from_graphs=tuple(from_graphs),
        from_named=tuple(from_named),
        services=tuple(services),
        ordered=_has_order_by(algebra),
        trailing_values=field_of(_outer(tree), "valuesClause") is not None,
        prepared=prepared,
    )


def _try_update(text: str) -> list[str] | None:
    try:
        request = parseUpdate(text)
    except (ParseBaseException, RecursionError):
        return None
    except Exception:
        return None
    operations = request.get("request") or []
    return [getattr(op, "name", "update") for op in operations] or None


def _outer(tree: Any) -> CompValue:
    """The query part of rdflib's parse tree (after the prologue)."""
    outer = tree[1]
    assert isinstance(outer, CompValue)
    return outer


def _is_select_star(tree: Any) -> bool:
    # The parse tree's SelectQuery has no ``projection`` when the query says ``SELECT *``.
    select = _outer(tree)
    return select.name == "SelectQuery" and not field_of(select, "projection")


def _has_order_by(algebra: CompValue) -> bool:
    node: Any = field_of(algebra, "p")
    # The outer query is a chain Slice? -> Distinct/Reduced? -> Project -> OrderBy? -> ...
    while isinstance(node, CompValue):
        if node.name == "OrderBy":
            return True
        if node.name not in ("Slice", "Distinct", "Reduced", "Project"):
            return False
        node = field_of(node, "p")
    return False


def check_dataset(
    parsed: ParsedQuery,
    *,
    graphs: Collection[str],
    allow_load: bool = False,
) -> tuple[str, ...]:
    """Check ``FROM``/``FROM NAMED`` against the graphs the user gave; return those to load.

    ``graphs`` are the names of the input's named graphs. A clause naming anything else is
    refused (rdflib would read it from a file or the web), unless ``allow_load`` is true: then the
    missing IRIs are returned for the caller to load.

    >>> q = parse_query("SELECT * FROM <https://kzar.example/id/article/a1> WHERE { ?s ?p ?o }")
    >>> check_dataset(q, graphs={"https://kzar.example/id/article/a1"})
    ()
    >>> check_dataset(q, graphs=set())
    Traceback (most recent call last):
    ...
    kzar_ld.errors.QueryError: query: FROM <https://kzar.example/id/article/a1> is refused: ...
    """
    available = frozenset(graphs)
    missing: list[str] = []
    for keyword, iris in (("FROM", parsed.from_graphs), ("FROM NAMED", parsed.from_named)):
        for iri in iris:
            if iri in available or iri in missing:
                continue
            if not allow_load:
                names = sorted(available)
                if not names:
                    listing = "none: the input has no named graphs"
                elif len(names) <= 3:
                    listing = ", ".join(f"<{n}>" for n in names)
                else:
                    listing = ", ".join(f"<{n}>" for n in names[:3]) + f" and {len(names) - 3} more"
                raise QueryError(
                    f"{keyword} <{iri}> is refused: it is not one of the input graphs ({listing}); "
                    "querying never loads a graph a query names unless you allow it (--allow-load)",
                    source=parsed.source,
                )
            missing.append(iri)
    return tuple(missing)
