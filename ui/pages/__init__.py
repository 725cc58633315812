"""The pages of the main window: Today, Subjects, Inspections, Settings and placeholders."""
