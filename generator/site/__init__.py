"""The site stage: Corpus → plain Markdown tree → MkDocs/Material → static site."""
