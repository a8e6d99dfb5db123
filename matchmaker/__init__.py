"""OCOP Matchmaker: supply-demand matchmaking for Vietnam's OCOP programme."""
