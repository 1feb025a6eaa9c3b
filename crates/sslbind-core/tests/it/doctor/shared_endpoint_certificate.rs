//! Where `shared-endpoint-certificate` fires, and the near misses where it must not.
