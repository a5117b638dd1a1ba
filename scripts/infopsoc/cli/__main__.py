"""``python -m infopsoc.cli``: the same commands as the ``infopsoc`` script."""

from infopsoc.cli.commands import main

if __name__ == "__main__":
    main()
