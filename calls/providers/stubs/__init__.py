"""Local stand-ins for the providers' APIs, for tests and ``make run`` without the internet."""
