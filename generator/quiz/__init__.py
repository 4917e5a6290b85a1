"""Quiz banks: the self-test on the site, exam papers, grading and exports."""
