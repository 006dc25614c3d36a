"""Storage: SQLAlchemy Core tables, Alembic migrations and the repository functions."""
