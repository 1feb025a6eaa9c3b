//! Where `store-mismatch` fires, and the near misses where it must not.
