"""Claim check: the claims of a piece of market commentary, extracted, tested against the price
data and rendered as a verdict table (see docs/architecture.md)."""
