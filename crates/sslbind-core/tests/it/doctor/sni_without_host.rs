//! Where `sni-without-host` fires, and the near misses where it must not.
