"""The analyst's tools: evaluation against gold, rule tools and explain, the review page, summaries."""
