//! Where `invalid-binding` fires, and the near misses where it must not.
