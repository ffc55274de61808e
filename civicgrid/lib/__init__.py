"""Shared helpers without models: settings parsing, geometry, spreadsheets, testing."""
