"""Storage: typed models, the Database handle, migrations and backups."""
