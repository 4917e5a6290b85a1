"""The PDF stage: lean print templates (Jinja2 + print CSS) rendered by WeasyPrint."""
