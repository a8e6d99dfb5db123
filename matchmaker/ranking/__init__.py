"""The ranking engine: a library that needs neither Flask nor a database."""
