//! Where `no-fallback-certificate` fires, and the near misses where it must not.
