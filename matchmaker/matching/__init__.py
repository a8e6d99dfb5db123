"""Matches between requirements and offers: ranking, recording, and feedback."""
