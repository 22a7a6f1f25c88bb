"""The validation stage: the shipped SHACL shapes and the schema.org vocabulary check.

- :mod:`~kzar_ld.validation.shacl`: :func:`~kzar_ld.validation.shacl.validate` a graph or dataset
  (one named graph at a time) and the :class:`~kzar_ld.validation.shacl.ValidationReport`;
- :mod:`~kzar_ld.validation.vocab`: schema.org 30.0 domain/range and unknown-term checks, and the
  superclass typing the shapes are evaluated with.

Example:
    >>> from kzar_ld.validation.shacl import validate
    >>> from rdflib import Graph
    >>> validate(Graph()).conforms
    True
"""
