"""`python -m gtm`: the same command as the `gtm` console script."""

from gtm.cli import main

if __name__ == "__main__":
    main()
