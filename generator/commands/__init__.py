"""The subcommands of ``qinglian``, one module per product; ``generator/cli.py`` registers them."""
