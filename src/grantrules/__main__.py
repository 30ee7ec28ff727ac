"""``python -m grantrules``: the same command as ``grantrules``."""

from grantrules.cli import main

if __name__ == "__main__":
    main(prog_name="grantrules")
