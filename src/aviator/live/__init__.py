"""The live pipeline, transport-free: ingest, the engine, the trainer and the session's operations."""
