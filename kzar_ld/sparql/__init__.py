"""The SPARQL stage: safe queries over local data or a remote endpoint.

- :mod:`~kzar_ld.sparql.safety`: parse a query and refuse what must not run (SERVICE, LOAD,
  updates, FROM of graphs not given) before anything is evaluated;
- :mod:`~kzar_ld.sparql.stores`: the engines that evaluate it (rdflib, Oxigraph) over a corpus;
- :mod:`~kzar_ld.sparql.results`: results, their comparison and their writers (CSV, TSV, JSON, XML, tables);
- :mod:`~kzar_ld.sparql.engine`: :func:`~kzar_ld.sparql.engine.query`,
  :func:`~kzar_ld.sparql.engine.query_endpoint` and the bundled questions.

Example:
    >>> from kzar_ld.sparql.engine import bundled_query
    >>> bundled_query("who-met-whom").name
    'who-met-whom'
"""
