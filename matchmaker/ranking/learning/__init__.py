"""What the ranking learns from answers: decline reasons, each buyer's own profile, graded
labels and the safe promotion of a trained model. Pure functions: the matching package reads
the database and hands them records."""
