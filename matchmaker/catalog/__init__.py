"""Organizations, offers and requirements: models, services and import."""
