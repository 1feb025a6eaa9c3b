//! Where `idle-mapping` fires, and the near misses where it must not.
