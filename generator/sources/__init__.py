"""Reading source files: YAML with line numbers, front matter, schemas, and the loader."""
