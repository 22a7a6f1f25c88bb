"""The RDF reading stage: other people's RDF, read safely, and inputs of any kind as one dataset.

- :mod:`~kzar_ld.rdfio.reader`: :func:`~kzar_ld.rdfio.reader.load_rdf` and
  :func:`~kzar_ld.rdfio.reader.parse_rdf` (size caps, JSON-LD context screening, no DOCTYPE, depth
  limits, line and column on syntax errors) and :func:`~kzar_ld.rdfio.reader.load_inputs`, which
  reads article directories and RDF files through the pipeline into one dataset.

Example:
    >>> from kzar_ld.rdfio.reader import load_inputs
    >>> len(load_inputs(["tests/data/rdfio/roundtrip/small.ttl"])) > 0
    True
"""
