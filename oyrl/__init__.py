"""oyrl (package init under construction)."""
