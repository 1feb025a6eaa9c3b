//! Where `renewal-available` fires, and the near misses where it must not.
