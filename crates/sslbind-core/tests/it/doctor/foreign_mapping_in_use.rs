//! Where `foreign-mapping-in-use` fires, and the near misses where it must not.
