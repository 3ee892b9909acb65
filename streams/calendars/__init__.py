"""Built-in election calendars (YAML), read by streams.calendar.load_calendar."""
