"""The bottom floor: domain types, the forecast curve and its arithmetic, events, settings, errors."""
