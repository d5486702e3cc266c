"""The real-time side: sessions, fan-out between instances, live traffic."""
