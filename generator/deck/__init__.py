"""Training slides (PPTX) from the Corpus: one deck per rule, one warning-education deck."""
