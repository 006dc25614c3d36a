"""Running the process: the lease and leadership, the collector's supervisor, the monitor, the log stream."""
