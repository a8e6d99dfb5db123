"""Quotes: a producer's priced answer to a buyer's requirement, and the buyer's comparison."""
