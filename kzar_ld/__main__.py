"""``python -m kzar_ld`` runs the command line."""

from kzar_ld.cli import main

main()
