"""Built-in election calendars (YAML), read by streams.core.calendar.load_calendar."""
