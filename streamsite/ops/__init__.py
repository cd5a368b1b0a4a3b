"""What keeps the site up when a part goes down (issue #25): graceful stops (`shutdown`),
outages waited out (`transient`) or answered 503 (`unavailable`), a cache that degrades instead
of failing (`cache`), and back-ups (`backup`). See docs/architecture.md, "Production topology"."""
