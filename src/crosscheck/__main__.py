"""`python -m crosscheck`."""

from crosscheck.cli import main

main()
