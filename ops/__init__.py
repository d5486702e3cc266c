"""Operations: restoring the database and moving boards between environments."""
