//! Where `specific-ip-shadows-sni` fires, and the near misses where it must not.
