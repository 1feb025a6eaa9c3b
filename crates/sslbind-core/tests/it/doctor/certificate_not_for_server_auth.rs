//! Where `certificate-not-for-server-auth` fires, and the near misses where it must not.
