"""The command line (typer): the only package that parses options and prints."""
