"""The HTTP and WebSocket interface: an app factory, one router per resource, ``/ws``."""
