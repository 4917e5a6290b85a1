"""The learning loop: graded sittings → department study plans (review) and trends."""
