"""Plain domain types and field definitions shared by the store, the CLI and the UI."""
