"""The registry: the exchange format, reading and validating deliveries, and loading them."""
