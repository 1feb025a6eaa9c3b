//! Where `private-key-missing` fires, and the near misses where it must not.
