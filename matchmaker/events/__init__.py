"""Connection events: participants, meeting requests, scheduling, agendas and outcomes."""
